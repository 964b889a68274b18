import { ChannelSequencer } from './ChannelSequencer';
import { PublishedSignal } from './types';

/** Signals per append, to keep one statement's or script's size bounded. */
const MAX_PUBLISH_BATCH = 200;

/**
 * Appends signals to a shared log (a PostgreSQL table, a Redis stream) and
 * resolves with their offsets, in order. `floor` is the offset after the last
 * one this replica delivered on the signal's channel: the log never hands out
 * an offset below it, so offsets it forgot (a crash, a restart) are not reused.
 */
type AppendSignals = (
  batch: Array<{ signal: PublishedSignal; floor: number }>,
) => Promise<number[]>;

/**
 * The publishing side of the shared buses: one append in flight per replica,
 * and every signal published meanwhile goes into the next one, so a busy or
 * starved store costs a round trip per batch rather than per signal. Each
 * signal is handed to this replica's sequencer as soon as its offset is
 * known, without waiting for it to come back through the log.
 */
export class BatchPublisher {
  private readonly waiting: Array<{
    signal: PublishedSignal;
    resolve: () => void;
    reject: (error: unknown) => void;
  }> = [];
  private appending = false;

  constructor(
    private readonly append: AppendSignals,
    /** Undefined until the bus has loaded its history. */
    private readonly sequencer: () => ChannelSequencer | undefined,
  ) {}

  publish(signal: PublishedSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ signal, resolve, reject });
      if (!this.appending) {
        this.appending = true;
        this.appendBatches();
      }
    });
  }

  private async appendBatches() {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, MAX_PUBLISH_BATCH);
      try {
        const offsets = await this.append(
          batch.map(({ signal }) => ({
            signal,
            floor: this.sequencer()?.nextOffset(signal.channel) ?? 1,
          })),
        );
        batch.forEach(({ signal, resolve }, index) => {
          this.sequencer()?.offer({ ...signal, offset: offsets[index] });
          resolve();
        });
      } catch (error) {
        batch.forEach(({ reject }) => reject(error));
      }
    }
    this.appending = false;
  }
}
