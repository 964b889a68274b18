import { createSendPacer } from './sendPacer';

describe('createSendPacer', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('lets `limit` messages start per interval, in arrival order', async () => {
    const awaitSlot = createSendPacer({ limit: 2, intervalMs: 100 });
    const startedAt: Array<[number, number]> = [];
    const all = [0, 1, 2, 3, 4].map(i =>
      awaitSlot().then(() => startedAt.push([i, Date.now()])),
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

  it('counts starts in a sliding window, not per fixed window', async () => {
    const awaitSlot = createSendPacer({ limit: 2, intervalMs: 100 });
    const first = awaitSlot();
    await jest.advanceTimersByTimeAsync(0);
    await first;
    await jest.advanceTimersByTimeAsync(60);
    const second = awaitSlot();
    await jest.advanceTimersByTimeAsync(0);
    await second;
    let third = -1;
    const pending = awaitSlot().then(() => {
      third = Date.now();
    });
    await jest.advanceTimersByTimeAsync(100);
    await pending;
    expect(third).toBe(100);
  });

  it('never waits with a zero interval', async () => {
    const awaitSlot = createSendPacer({ limit: 1, intervalMs: 0 });
    const all = Promise.all([awaitSlot(), awaitSlot(), awaitSlot()]);
    await jest.advanceTimersByTimeAsync(0);
    await expect(all).resolves.toHaveLength(3);
  });
});
