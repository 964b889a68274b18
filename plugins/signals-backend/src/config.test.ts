import { ConfigReader } from '@backstage/config';
import { defaultSignalsConfig, readSignalsConfig } from './config';

const read = (signals: object) =>
  readSignalsConfig(new ConfigReader({ signals }));

describe('readSignalsConfig', () => {
  it('gives the defaults without a signals section', () => {
    expect(readSignalsConfig(new ConfigReader({}))).toEqual(
      defaultSignalsConfig,
    );
  });

  it('reads durations as HumanDuration objects, ms strings and ISO strings', () => {
    const config = read({
      pingInterval: { seconds: 15 },
      subscribeGrace: '2s',
      replay: { retention: 'PT5M', bufferSize: 10, maxBytes: 4096 },
    });
    expect(config.pingIntervalMs).toBe(15_000);
    expect(config.subscribeGraceMs).toBe(2_000);
    expect(config.replay).toEqual({
      bufferSize: 10,
      maxBytes: 4096,
      retentionMs: 300_000,
    });
  });

  it('still reads the deprecated number keys, in their own units', () => {
    const config = read({
      pingIntervalMs: 1500,
      subscribeGraceMs: 250,
      replay: { retentionSeconds: 90 },
    });
    expect(config.pingIntervalMs).toBe(1500);
    expect(config.subscribeGraceMs).toBe(250);
    expect(config.replay.retentionMs).toBe(90_000);
  });

  it('prefers the duration key when a deprecated alias is set too', () => {
    const config = read({
      pingInterval: { seconds: 5 },
      pingIntervalMs: 1500,
      replay: { retention: { minutes: 1 }, retentionSeconds: 90 },
    });
    expect(config.pingIntervalMs).toBe(5000);
    expect(config.replay.retentionMs).toBe(60_000);
  });

  it('reads the Redis bus connection and key prefix', () => {
    expect(
      read({ bus: 'redis', redis: { connection: 'redis://cache:6379' } }).redis,
    ).toEqual({
      connection: 'redis://cache:6379',
      keyPrefix: 'herald:signals:',
    });
    expect(
      read({
        bus: 'redis',
        redis: { connection: 'rediss://cache:6380', keyPrefix: 'app1:' },
      }).redis.keyPrefix,
    ).toBe('app1:');
  });

  it('refuses unusable values, naming the key', () => {
    expect(() => read({ bus: 'kafka' })).toThrow(
      'signals.bus must be one of auto, memory, postgres, redis, got kafka',
    );
    expect(() => read({ bus: 'redis' })).toThrow(
      'signals.redis.connection is required when signals.bus is redis',
    );
    expect(() => read({ maxFrameBytes: 0 })).toThrow(
      'signals.maxFrameBytes must be positive, got 0',
    );
    expect(() => read({ replay: { retentionSeconds: -1 } })).toThrow(
      'signals.replay.retentionSeconds must be positive, got -1',
    );
    expect(() => read({ pingInterval: { seconds: 0 } })).toThrow(
      'signals.pingInterval must be positive, got 0',
    );
    expect(() => read({ subscribeGrace: 'soon' })).toThrow(/subscribeGrace/);
  });
});
