/** How long the first caller waits for others to join its batch. */
const WINDOW_MS = 20;

/**
 * Gathers the values that callers add within a short window and handles them
 * in one call; each caller's promise settles with that call.
 */
export class Batcher<T> {
  private pending: { values: T[]; done: Promise<void> } | undefined;

  constructor(private readonly handle: (values: T[]) => Promise<void>) {}

  add(value: T): Promise<void> {
    if (!this.pending) {
      const values: T[] = [];
      const done = new Promise<void>(resolve => setTimeout(resolve, WINDOW_MS))
        .then(() => {
          this.pending = undefined;
        })
        .then(() => this.handle(values));
      this.pending = { values, done };
    }
    this.pending.values.push(value);
    return this.pending.done;
  }
}
