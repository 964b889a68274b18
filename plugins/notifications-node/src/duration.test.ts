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

  it.each([
    [{}, 60_000, 30_000],
    [{ notifications: { outbox: { timeout: 'PT10S' } } }, 10_000, 5_000],
  ])(
    'reads the outbox timeout of %j, a minute by default, and half of it as the budget',
    (data, timeoutMs, budgetMs) => {
      const config = new ConfigReader(data);
      expect(readPostProcessTimeoutMs(config)).toBe(timeoutMs);
      expect(readPostProcessBudgetMs(config)).toBe(budgetMs);
    },
  );
});
