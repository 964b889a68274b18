import {
  describeFailedTargets,
  NotificationDeliveryDeferredError,
  deferWhenTransient,
} from './deferral';

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

describe('deferWhenTransient', () => {
  const error = new Error('2 targets failed');

  it('defers for the longest Retry-After when every failure passes', () => {
    const deferred = deferWhenTransient(error, [
      { transient: true, retryAfterMs: 2000 },
      { transient: true },
      { transient: true, retryAfterMs: 500 },
    ]);
    expect(NotificationDeliveryDeferredError.isDeferral(deferred)).toBe(true);
    expect(deferred).toMatchObject({
      message: '2 targets failed',
      retryAfterMs: 2000,
      cause: error,
    });
    expect(deferWhenTransient(error, [{ transient: true }])).toMatchObject({
      retryAfterMs: undefined,
    });
  });

  it('keeps the error when any failure is permanent', () => {
    expect(
      deferWhenTransient(error, [
        { transient: true, retryAfterMs: 2000 },
        { transient: false },
      ]),
    ).toBe(error);
  });
});

describe('describeFailedTargets', () => {
  it('names the first three targets with their reasons', () => {
    expect(
      describeFailedTargets(
        ['a', 'b', 'c', 'd'].map(target => ({
          target,
          reason: `${target} down`,
        })),
      ),
    ).toBe('a: a down; b: b down; c: c down');
  });
});
