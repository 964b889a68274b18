import { ConfigReader } from '@backstage/config';
import {
  readDurationMs,
  readPostProcessBudgetMs,
  readPostProcessTimeoutMs,
} from './duration';

describe('readDurationMs', () => {
  it.each([
    [{}, 42],
    [{ d: 250 }, 250],
    [{ d: '100ms' }, 100],
    [{ d: 'PT2S' }, 2_000],
    [{ d: { minutes: 5 } }, 300_000],
  ])('reads %j as %p ms', (data, expected) => {
    expect(readDurationMs(new ConfigReader(data), 'd', 42)).toBe(expected);
  });

  it('throws on a value that is no duration', () => {
    expect(() =>
      readDurationMs(new ConfigReader({ d: 'soon' }), 'd', 42),
    ).toThrow();
  });

  it('reads the outbox timeout, a minute by default', () => {
    expect(readPostProcessTimeoutMs(new ConfigReader({}))).toBe(60_000);
    expect(
      readPostProcessTimeoutMs(
        new ConfigReader({ notifications: { outbox: { timeout: 'PT10S' } } }),
      ),
    ).toBe(10_000);
  });

  it('gives processors half the outbox timeout for their work', () => {
    expect(readPostProcessBudgetMs(new ConfigReader({}))).toBe(30_000);
    expect(
      readPostProcessBudgetMs(
        new ConfigReader({ notifications: { outbox: { timeout: 'PT10S' } } }),
      ),
    ).toBe(5_000);
  });
});
