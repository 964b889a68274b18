import { ConfigReader } from '@backstage/config';
import { readNotificationsConfig } from './config';

const withNotifications = (notifications: object) =>
  new ConfigReader({
    app: { baseUrl: 'http://localhost:3000' },
    notifications,
  });

describe('readNotificationsConfig', () => {
  it('defaults the send body limit to 1 MB', () => {
    expect(
      readNotificationsConfig(withNotifications({})).maxRequestBodySize,
    ).toBe('1mb');
  });

  it('takes a size in bytes or in express notation', () => {
    expect(
      readNotificationsConfig(
        withNotifications({ maxRequestBodySize: 2_000_000 }),
      ).maxRequestBodySize,
    ).toBe(2_000_000);
    expect(
      readNotificationsConfig(
        withNotifications({ maxRequestBodySize: ' 512kb ' }),
      ).maxRequestBodySize,
    ).toBe('512kb');
  });

  it.each([['lots'], [-1], [1.5], ['12 parsecs']])(
    'refuses %p',
    maxRequestBodySize => {
      expect(() =>
        readNotificationsConfig(withNotifications({ maxRequestBodySize })),
      ).toThrow(/notifications\.maxRequestBodySize/);
    },
  );

  it('reads the retention age, defaulting to a year, and can be disabled', () => {
    const DAY = 24 * 60 * 60 * 1000;
    expect(readNotificationsConfig(withNotifications({})).retentionMs).toBe(
      365 * DAY,
    );
    expect(
      readNotificationsConfig(withNotifications({ retention: 'P7D' }))
        .retentionMs,
    ).toBe(7 * DAY);
    expect(
      readNotificationsConfig(withNotifications({ retention: false }))
        .retentionMs,
    ).toBeUndefined();
  });

  it('reads every key once, with the documented defaults', () => {
    expect(readNotificationsConfig(withNotifications({}))).toEqual({
      appBaseUrl: 'http://localhost:3000',
      maxRequestBodySize: '1mb',
      processorTimeoutMs: 5_000,
      retentionMs: 365 * 24 * 60 * 60 * 1000,
      defaultSettings: { channels: [] },
      outbox: {
        concurrency: 10,
        maxAttempts: 8,
        initialBackoffMs: 5_000,
        maxBackoffMs: 3_600_000,
        pollIntervalMs: 5_000,
        timeoutMs: 60_000,
        leaseMs: 300_000,
      },
      preparedStatements: true,
    });
  });

  it('turns prepared statements off', () => {
    expect(
      readNotificationsConfig(withNotifications({ preparedStatements: false }))
        .preparedStatements,
    ).toBe(false);
  });

  it('refuses preparedStatements that is not a boolean', () => {
    expect(() =>
      readNotificationsConfig(
        withNotifications({ preparedStatements: 'sometimes' }),
      ),
    ).toThrow(/preparedStatements/);
  });

  it('refuses an outbox lease no longer than its timeout', () => {
    expect(() =>
      readNotificationsConfig(
        withNotifications({ outbox: { timeout: '5m', leaseDuration: '5m' } }),
      ),
    ).toThrow(/leaseDuration must be longer/);
  });
});
