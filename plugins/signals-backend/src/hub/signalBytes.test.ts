import { SignalPayload } from '@herald/plugin-signals-node';
import { approximateSignalBytes } from './signalBytes';

const jsonBytes = (signal: SignalPayload) => JSON.stringify(signal).length;

describe('approximateSignalBytes', () => {
  it('is within a tenth of the JSON of a signal to many users', () => {
    const users = Array.from(
      { length: 10_000 },
      (_, i) => `user:default/person-${i}`,
    );
    const perRecipient = Object.fromEntries(
      users.map((user, i) => [
        user,
        {
          notification_id: `0f6c1a52-3f4e-4b7a-9d1e-${String(i).padStart(
            12,
            '0',
          )}`,
          notification: { user },
        },
      ]),
    );
    const signal: SignalPayload = {
      recipients: { type: 'user', entityRef: users },
      channel: 'notifications',
      message: { action: 'new_notification', notification: { title: 'Build' } },
      perRecipient,
    };
    const estimate = approximateSignalBytes(signal);
    expect(estimate / jsonBytes(signal)).toBeGreaterThan(0.9);
    expect(estimate / jsonBytes(signal)).toBeLessThan(1.1);
  });

  it('counts a broadcast by its message', () => {
    const signal: SignalPayload = {
      recipients: { type: 'broadcast' },
      channel: 'notifications',
      message: { text: 'y'.repeat(50_000) },
    };
    const estimate = approximateSignalBytes(signal);
    expect(estimate).toBeGreaterThan(50_000);
    expect(estimate).toBeLessThan(jsonBytes(signal));
  });

  it('counts a single recipient given as a string', () => {
    const ref = 'user:default/'.padEnd(5_000, 'z');
    const estimate = approximateSignalBytes({
      recipients: { type: 'user', entityRef: ref },
      channel: 'c',
      message: {},
    });
    expect(estimate).toBeGreaterThan(5_000);
  });
});
