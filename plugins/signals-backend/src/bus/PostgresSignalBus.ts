import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { Client } from 'pg';
import { BatchPublisher } from './BatchPublisher';
import { ChannelSequencer } from './ChannelSequencer';
import {
  Announcement,
  NOTIFY_CHANNEL,
  PostgresSignalStore,
} from './PostgresSignalStore';
import { PublishedSignal, SequencedSignal, SignalBus } from './types';

/** Catch-up after a lost listener reads this far before the disconnect. */
const CATCH_UP_MARGIN_MS = 5_000;
const MAX_RECONNECT_DELAY_MS = 30_000;
/**
 * How long a channel waits for a missing offset before reading it from the
 * log. Offsets are committed in order, so a gap closes within a round trip
 * unless a notification was lost.
 */
const STALL_MS = 2_000;
const READ_RETRY_MS = 1_000;
/** The longest the log keeps a signal beyond its retention. */
const MAX_CLEANUP_INTERVAL_MS = 60_000;

/**
 * Carries signals between replicas through PostgreSQL LISTEN/NOTIFY on a
 * dedicated connection that the database service's client opens outside its
 * pool, so SSL, connection functions and every other setting of the plugin
 * database apply to it too. Every signal is also logged, so a listener that
 * lost its connection catches up from the log and a replica that starts
 * later can serve resuming clients. One replica at a time trims the log, as
 * a global scheduled task.
 *
 * Nothing waits in line behind anything else: the publishing replica
 * delivers its own signal as soon as the insert returns its offset, the
 * notifications of other replicas' signals are handled as they arrive, and
 * signals too large for NOTIFY are read from the log in batches. A
 * sequencer restores offset order per channel.
 */
export class PostgresSignalBus implements SignalBus {
  readonly kind = 'postgres';
  readonly sharedByReplicas = true;
  private readonly store: PostgresSignalStore;
  private listener?: Client;
  private sequencer?: ChannelSequencer;
  /** Notifications that arrive while the history loads. */
  private early: Announcement[] = [];
  /** Announced signals too large for NOTIFY, by log id. */
  private readonly unread = new Map<string, Announcement>();
  private reading = false;
  private readonly publisher: BatchPublisher;
  private filling = false;
  private stopped = false;
  private stallTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;
  private readonly knex: Knex;
  private readonly logger: LoggerService;
  private readonly scheduler: SchedulerService;
  private readonly retentionMs: number;

  constructor(options: {
    knex: Knex;
    logger: LoggerService;
    scheduler: SchedulerService;
    /** How long the log keeps a signal. */
    retentionMs: number;
  }) {
    this.knex = options.knex;
    this.logger = options.logger;
    this.scheduler = options.scheduler;
    this.retentionMs = options.retentionMs;
    this.store = new PostgresSignalStore(options.knex);
    this.publisher = new BatchPublisher(
      batch => this.store.publish(batch),
      () => this.sequencer,
    );
  }

  async start(
    onSignal: (signal: SequencedSignal) => void,
    onHistory: (signals: SequencedSignal[]) => void,
  ) {
    const startedAt = Date.now();
    // A pooled query first: the client resolves a connection function's
    // settings only when its pool opens a connection.
    await this.knex.raw('SELECT 1');
    await this.listen();
    const history = await this.store.since(
      new Date(startedAt - this.retentionMs),
    );
    onHistory(history);
    const sequencer = ChannelSequencer.after(history, onSignal);
    this.sequencer = sequencer;
    // Those the history already covered are dropped by offset.
    const early = this.early;
    this.early = [];
    early.forEach(announcement => this.announce(announcement));

    await this.scheduler.scheduleTask({
      id: 'signals-log-cleanup',
      scope: 'global',
      frequency: {
        milliseconds: Math.min(MAX_CLEANUP_INTERVAL_MS, this.retentionMs),
      },
      timeout: { minutes: 5 },
      fn: async () => {
        if (!this.stopped) {
          await this.store.deleteOlderThan(
            new Date(Date.now() - this.retentionMs),
          );
        }
      },
    });
    this.stallTimer = setInterval(() => this.fillGaps(), STALL_MS / 2);
    this.stallTimer.unref?.();
  }

  publish(signal: PublishedSignal): Promise<void> {
    return this.publisher.publish(signal);
  }

  async stop() {
    this.stopped = true;
    clearInterval(this.stallTimer);
    clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = undefined;
    if (listener) {
      await this.release(listener);
    }
  }

  private async release(client: Client) {
    await this.knex.client.destroyRawConnection(client).catch(() => undefined);
  }

  private async listen() {
    const client: Client = await this.knex.client.acquireRawConnection();
    client.on('notification', message => {
      if (message.channel !== NOTIFY_CHANNEL || !message.payload) {
        return;
      }
      const announcement = JSON.parse(message.payload) as Announcement;
      if (this.sequencer) {
        this.announce(announcement);
      } else {
        this.early.push(announcement);
      }
    });
    const lost = (reason: string) => this.lost(client, reason);
    client.on('error', error => lost(error.message));
    client.on('end', () => lost('connection ended'));
    try {
      await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    } catch (error) {
      await this.release(client);
      throw error;
    }
    this.listener = client;
  }

  /** Handles a notification; the listener sees commits in order. */
  private announce(announcement: Announcement) {
    const sequencer = this.sequencer!;
    const { signal, offset } = announcement;
    const channel = signal?.channel ?? announcement.channel;
    if (channel !== undefined) {
      sequencer.anchor(channel, offset);
      if (sequencer.has(channel, offset)) {
        return;
      }
    }
    if (signal) {
      sequencer.offer({ ...signal, offset });
      return;
    }
    this.unread.set(announcement.id, announcement);
    if (!this.reading) {
      this.reading = true;
      setImmediate(() => this.readAnnounced());
    }
  }

  /** Reads every announced large signal not yet delivered, one query per batch. */
  private async readAnnounced() {
    const sequencer = this.sequencer!;
    while (this.unread.size > 0 && !this.stopped) {
      const batch = [...this.unread.values()];
      this.unread.clear();
      const ids = batch
        .filter(
          ({ channel, offset }) =>
            channel === undefined || !sequencer.has(channel, offset),
        )
        .map(({ id }) => id);
      try {
        for (const signal of await this.store.read(ids)) {
          sequencer.anchor(signal.channel, signal.offset);
          sequencer.offer(signal);
        }
      } catch (error) {
        this.logger.warn(`Signals bus failed to read large signals: ${error}`);
        batch.forEach(announcement =>
          this.unread.set(announcement.id, announcement),
        );
        await new Promise(resolve => setTimeout(resolve, READ_RETRY_MS));
      }
    }
    this.reading = false;
  }

  /**
   * Reads from the log the offsets a channel has waited for too long, and
   * gives up on those the log does not have, so one lost notification never
   * holds a channel back for good.
   */
  private async fillGaps() {
    if (this.filling) {
      return;
    }
    this.filling = true;
    const sequencer = this.sequencer!;
    try {
      for (const { channel, after, before } of sequencer.stalledSince(
        Date.now() - STALL_MS,
      )) {
        const missing = await this.store.between(channel, after ?? 0, before);
        if (after === undefined) {
          // Not anchored: the listener never announced this channel, so
          // the log is the only source of where it stands.
          sequencer.anchor(channel, missing[0]?.offset ?? before);
        }
        missing.forEach(signal => sequencer.offer(signal));
        if (!sequencer.has(channel, before - 1)) {
          this.logger.warn(
            `Signals bus skipped offsets of ${channel} before ${before}: not in the log`,
          );
          sequencer.advanceTo(channel, before - 1);
        }
      }
    } catch (error) {
      this.logger.warn(`Signals bus failed to fill a gap: ${error}`);
    } finally {
      this.filling = false;
    }
  }

  private lost(client: Client, reason: string) {
    if (this.stopped || this.listener !== client) {
      return;
    }
    this.listener = undefined;
    this.release(client);
    const disconnectedAt = Date.now();
    this.logger.warn(`Signals bus lost its PostgreSQL listener: ${reason}`);
    this.reconnect(disconnectedAt, 250);
  }

  private reconnect(disconnectedAt: number, delay: number) {
    this.reconnectTimer = setTimeout(async () => {
      if (this.stopped) {
        return;
      }
      try {
        await this.listen();
      } catch (error) {
        this.logger.warn(`Signals bus listener reconnect failed: ${error}`);
        this.reconnect(
          disconnectedAt,
          Math.min(delay * 2, MAX_RECONNECT_DELAY_MS),
        );
        return;
      }
      this.logger.info('Signals bus reconnected its PostgreSQL listener');
      try {
        const missed = await this.store.since(
          new Date(disconnectedAt - CATCH_UP_MARGIN_MS),
        );
        for (const signal of missed) {
          this.sequencer?.anchor(signal.channel, signal.offset);
          this.sequencer?.offer(signal);
        }
      } catch (error) {
        this.logger.warn(`Signals bus catch-up failed: ${error}`);
      }
    }, delay * (0.5 + Math.random()));
    this.reconnectTimer.unref?.();
  }
}
