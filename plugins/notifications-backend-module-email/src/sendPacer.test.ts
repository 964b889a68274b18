import { RateLimiter } from './rateLimiter';

describe('RateLimiter', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('lets `limit` operations start per interval, in arrival order', async () => {
    const limiter = new RateLimiter(2, 100);
    const startedAt: Array<[number, number]> = [];
    const all = [0, 1, 2, 3, 4].map(i =>
      limiter.acquire().then(() => startedAt.push([i, Date.now()])),
    );
    await jest.advanceTimersByTimeAsync(250);
    await Promise.all(all);
    expect(startedAt).toEqual([
      [0, 0],
      [1, 0],
      [2, 100],
      [3, 100],
      [4, 200],
    ]);
  });

  it('counts starts in a sliding window, not per batch', async () => {
    const limiter = new RateLimiter(2, 100);
    await limiter.acquire();
    await jest.advanceTimersByTimeAsync(60);
    await limiter.acquire();
    let third = -1;
    const pending = limiter.acquire().then(() => {
      third = Date.now();
    });
    await jest.advanceTimersByTimeAsync(100);
    await pending;
    expect(third).toBe(100);
  });

  it('never waits with a zero interval', async () => {
    const limiter = new RateLimiter(1, 0);
    // Fake timers never advance here, so any wait would hang the test.
    await expect(
      Promise.all([limiter.acquire(), limiter.acquire(), limiter.acquire()]),
    ).resolves.toHaveLength(3);
  });
});
