/**
 * Lets at most `limit` operations start within any sliding window of
 * `intervalMs`. One instance is shared by every postProcess call, so the
 * mail server sees one rate however many notifications are in flight.
 */
export class RateLimiter {
  private readonly recentStarts: number[] = [];
  private readonly waiting: Array<() => void> = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly limit: number,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when the caller may start one operation. */
  acquire(): Promise<void> {
    return new Promise(resolve => {
      this.waiting.push(resolve);
      this.release();
    });
  }

  private release() {
    if (this.timer) {
      return;
    }
    const now = this.now();
    while (
      this.recentStarts.length > 0 &&
      this.recentStarts[0] <= now - this.intervalMs
    ) {
      this.recentStarts.shift();
    }
    while (this.waiting.length > 0 && this.recentStarts.length < this.limit) {
      this.recentStarts.push(now);
      this.waiting.shift()!();
    }
    if (this.waiting.length > 0) {
      const delay = this.recentStarts[0] + this.intervalMs - now;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.release();
      }, Math.max(delay, 0));
    }
  }
}
