import { NotificationDeliveryDeferredError } from './deferral';

describe('NotificationDeliveryDeferredError', () => {
  it('carries the wait and the cause', () => {
    const cause = new Error('429');
    const error = new NotificationDeliveryDeferredError('rate limited', {
      retryAfterMs: 1500,
      cause,
    });
    expect(error.retryAfterMs).toBe(1500);
    expect(error.cause).toBe(cause);
    expect(NotificationDeliveryDeferredError.isDeferral(error)).toBe(true);
  });

  it('is recognised by name, so another copy of the package still counts', () => {
    const foreign = new Error('down');
    foreign.name = 'NotificationDeliveryDeferredError';
    expect(NotificationDeliveryDeferredError.isDeferral(foreign)).toBe(true);
    expect(NotificationDeliveryDeferredError.isDeferral(new Error('x'))).toBe(
      false,
    );
    expect(NotificationDeliveryDeferredError.isDeferral('x')).toBe(false);
  });
});
