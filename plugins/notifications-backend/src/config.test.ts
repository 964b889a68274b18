import { ConfigReader } from '@backstage/config';
import { readNotificationsBackendConfig } from './config';

const withNotifications = (notifications: object) =>
  new ConfigReader({
    app: { baseUrl: 'http://localhost:3000' },
    notifications,
  });

describe('readNotificationsBackendConfig', () => {
  it('defaults the send body limit to 1 MB', () => {
    expect(
      readNotificationsBackendConfig(withNotifications({})).maxRequestBodySize,
    ).toBe('1mb');
  });

  it('takes a size in bytes or in express notation', () => {
    expect(
      readNotificationsBackendConfig(
        withNotifications({ maxRequestBodySize: 2_000_000 }),
      ).maxRequestBodySize,
    ).toBe(2_000_000);
    expect(
      readNotificationsBackendConfig(
        withNotifications({ maxRequestBodySize: ' 512kb ' }),
      ).maxRequestBodySize,
    ).toBe('512kb');
  });

  it.each([['lots'], [-1], [1.5], ['12 parsecs']])(
    'refuses %p',
    maxRequestBodySize => {
      expect(() =>
        readNotificationsBackendConfig(
          withNotifications({ maxRequestBodySize }),
        ),
      ).toThrow(/notifications\.maxRequestBodySize/);
    },
  );
});
