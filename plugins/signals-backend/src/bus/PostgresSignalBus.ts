import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalPayload } from '@herald/plugin-signals-node';
import { Knex } from 'knex';
import { Client, ClientConfig } from 'pg';
import {
  Announcement,
  NOTIFY_CHANNEL,
  PostgresSignalStore,
} from './PostgresSignalStore';
import { SequencedSignal, SignalBus } from './types';

/** Catch-up after a lost listener reads this far before the disconnect. */
const CATCH_UP_MARGIN_MS = 5_000;
const MAX_RECONNECT_DELAY_MS = 30_000;

/**
 * Carries signals between replicas through PostgreSQL LISTEN/NOTIFY on a
 * dedicated connection opened with the plugin database's settings. Every
 * signal is also logged, so a listener that lost its connection catches up
 * from the log and a replica that starts later can serve resuming clients.
 */
export class PostgresSignalBus implements SignalBus {
  readonly kind = 'postgres';
  private readonly store: PostgresSignalStore;
  private listener?: Client;
  private onSignal?: (signal: SequencedSignal) => void;
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;
  private cleanupTimer?: NodeJS.Timeout;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(
    private readonly knex: Knex,
    private readonly logger: LoggerService,
    private readonly retentionSeconds: number,
  ) {
    this.store = new PostgresSignalStore(knex);
  }

  async start(
    onSignal: (signal: SequencedSignal) => void,
    onHistory: (signals: SequencedSignal[]) => void,
  ) {
    const startedAt = new Date();
    await this.listen();
    // Announcements that arrive while the history loads are queued behind it
    // and the hub drops the ones the history already covered, by offset.
    await this.enqueue(async () => {
      onHistory(
        await this.store.since(
          new Date(startedAt.getTime() - this.retentionSeconds * 1000),
        ),
      );
      this.onSignal = onSignal;
    });
    this.cleanupTimer = setInterval(() => {
      this.store
        .deleteOlderThan(new Date(Date.now() - this.retentionSeconds * 1000))
        .catch(error =>
          this.logger.warn(`Failed to trim the signals log: ${error}`),
        );
    }, Math.min(60_000, this.retentionSeconds * 1000));
    this.cleanupTimer.unref?.();
  }

  publish(signal: SignalPayload): Promise<void> {
    return this.store.publish(signal);
  }

  async stop() {
    this.stopped = true;
    clearInterval(this.cleanupTimer);
    clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.queue;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(error =>
      this.logger.error(`Signals bus failed to handle a signal: ${error}`),
    );
    return run;
  }

  private async connectionConfig(): Promise<ClientConfig | string> {
    const configured = (this.knex.client as { config: Knex.Config }).config
      .connection;
    const connection =
      typeof configured === 'function' ? await configured() : configured;
    return connection as ClientConfig | string;
  }

  private async listen() {
    const client = new Client(await this.connectionConfig());
    client.on('notification', message => {
      if (message.channel === NOTIFY_CHANNEL && message.payload) {
        const payload = message.payload;
        this.enqueue(() => this.announce(payload));
      }
    });
    const lost = (reason: string) => this.lost(client, reason);
    client.on('error', error => lost(error.message));
    client.on('end', () => lost('connection ended'));
    await client.connect();
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    this.listener = client;
  }

  private async announce(payload: string) {
    const announcement = JSON.parse(payload) as Announcement;
    const signal =
      announcement.signal ?? (await this.store.read(announcement.id));
    if (signal) {
      this.onSignal?.(signal);
    }
  }

  private lost(client: Client, reason: string) {
    if (this.stopped || this.listener !== client) {
      return;
    }
    this.listener = undefined;
    client.end().catch(() => undefined);
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
      this.enqueue(async () => {
        const missed = await this.store.since(
          new Date(disconnectedAt - CATCH_UP_MARGIN_MS),
        );
        for (const signal of missed) {
          this.onSignal?.(signal);
        }
      }).catch(() => undefined);
    }, delay * (0.5 + Math.random()));
    this.reconnectTimer.unref?.();
  }
}
