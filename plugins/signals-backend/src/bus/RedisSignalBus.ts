import { LoggerService } from '@backstage/backend-plugin-api';
import Redis from 'ioredis';
import { BatchPublisher } from './BatchPublisher';
import { ChannelSequencer } from './ChannelSequencer';
import { RedisSignalStream } from './RedisSignalStream';
import { PublishedSignal, SequencedSignal, SignalBus } from './types';

/** How long one XREAD waits; short enough that a dead connection shows. */
const READ_BLOCK_MS = 5_000;
const READ_COUNT = 1_000;
const READ_RETRY_MS = 500;

/**
 * Carries signals between replicas through one Redis stream. A publish runs
 * a script that takes the channel's next offset and appends the signal, so
 * the stream holds every channel's signals in offset order; every replica
 * reads the stream from where it stands with a blocking XREAD on a
 * connection of its own, and on start reads the retention's worth of it as
 * history. A replica that loses Redis reads on from its last stream id once
 * the connection is back, so it misses nothing the stream still holds.
 *
 * The publishing replica hands its own signals on as soon as the script
 * returns their offsets; a sequencer keeps each channel in offset order
 * between those and the stream.
 *
 * What Redis acknowledged survives a Redis restart as far as its persistence
 * keeps it: with `appendonly yes` and `appendfsync always`, everything. The
 * client sends a publish again when a lost connection swallowed its reply;
 * the stream applies each batch once (see `RedisSignalStream`), so that
 * never appends a signal twice.
 */
export class RedisSignalBus implements SignalBus {
  readonly kind = 'redis';
  readonly sharedByReplicas = true;
  private readonly publisher: Redis;
  private readonly reader: Redis;
  private readonly stream: RedisSignalStream;
  private readonly logger: LoggerService;
  private sequencer?: ChannelSequencer;
  private lastId = '0-0';
  private reading?: Promise<void>;
  private readonly batches: BatchPublisher;
  private stopped = false;
  /**
   * Settles when `stop` is called. A read waiting in ioredis's offline queue
   * while Redis is down never settles on `disconnect`, so the read loop
   * races it against this rather than holding up shutdown.
   */
  private readonly stopping: Promise<void>;
  private requestStop = () => {};
  /** Connections whose loss was logged, so an outage logs once, not per retry. */
  private readonly lost = new Set<string>();

  constructor(options: {
    /** A Redis URL, `redis://` or `rediss://`. */
    connection: string;
    /** Prepended to every key the bus uses. */
    keyPrefix: string;
    /** How long the stream keeps a signal. */
    retentionMs: number;
    logger: LoggerService;
  }) {
    this.logger = options.logger;
    this.stopping = new Promise(resolve => {
      this.requestStop = resolve;
    });
    this.publisher = new Redis(options.connection, {
      lazyConnect: true,
      // RESP3 turns XREAD's reply into a map; RESP2 keeps the shape Redis
      // documents, on every server version.
      protocol: 2,
    });
    // Reads are safe to repeat, and the read loop should wait out an outage
    // rather than fail.
    this.reader = this.publisher.duplicate({ maxRetriesPerRequest: null });
    for (const [role, connection] of [
      ['publish', this.publisher],
      ['read', this.reader],
    ] as const) {
      connection.on('error', error => {
        if (!this.stopped && !this.lost.has(role)) {
          this.lost.add(role);
          this.logger.warn(
            `Signals bus ${role} connection to Redis failed: ${error.message}`,
          );
        }
      });
      connection.on('ready', () => {
        if (this.lost.delete(role)) {
          this.logger.info(`Signals bus ${role} connection to Redis is back`);
        }
      });
    }
    this.stream = new RedisSignalStream(
      this.publisher,
      options.keyPrefix,
      options.retentionMs,
    );
    this.batches = new BatchPublisher(
      batch => this.stream.publish(batch),
      () => this.sequencer,
    );
  }

  async start(
    onSignal: (signal: SequencedSignal) => void,
    onHistory: (signals: SequencedSignal[]) => void,
  ) {
    await Promise.all([this.publisher.connect(), this.reader.connect()]);
    const { signals, lastId } = await this.stream.history();
    onHistory(signals);
    const sequencer = ChannelSequencer.after(signals, onSignal);
    this.sequencer = sequencer;
    this.lastId = lastId;
    this.reading = this.readLoop(sequencer);
  }

  publish(signal: PublishedSignal): Promise<void> {
    return this.batches.publish(signal);
  }

  private async readLoop(sequencer: ChannelSequencer) {
    while (!this.stopped) {
      let read;
      try {
        read = await Promise.race([
          this.stream.readAfter(
            this.reader,
            this.lastId,
            READ_BLOCK_MS,
            READ_COUNT,
          ),
          this.stopping.then(() => []),
        ]);
      } catch (error) {
        if (!this.stopped) {
          this.logger.warn(`Signals bus failed to read from Redis: ${error}`);
          await new Promise(resolve => setTimeout(resolve, READ_RETRY_MS));
        }
        continue;
      }
      for (const { id, signal } of read) {
        this.lastId = id;
        const { channel, offset } = signal;
        // The stream holds each channel's offsets in order, so one it went
        // past without is gone for good (trimmed before this replica read it).
        if (
          sequencer.nextOffset(channel) > 1 &&
          !sequencer.has(channel, offset - 1)
        ) {
          this.logger.warn(
            `Signals bus skipped offsets of ${channel} before ${offset}: no longer in the Redis stream`,
          );
        }
        sequencer.advanceTo(channel, offset - 1);
        sequencer.offer(signal);
      }
    }
  }

  async stop() {
    this.stopped = true;
    this.requestStop();
    this.reader.disconnect();
    await this.reading;
    // QUIT waits for a connection that may not come back; during an outage
    // there is nothing left to flush anyway.
    if (this.publisher.status === 'ready') {
      await this.publisher.quit().catch(() => this.publisher.disconnect());
    } else {
      this.publisher.disconnect();
    }
  }
}
