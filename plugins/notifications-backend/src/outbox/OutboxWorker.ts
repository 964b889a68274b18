import { LoggerService } from '@backstage/backend-plugin-api';
import {
  NotificationDeliveryDeferredError,
  NotificationProcessor,
} from '@herald/plugin-notifications-node';
import { OutboxConfig } from './config';
import { OutboxJob, OutboxStore } from './OutboxStore';
import { withTimeout } from './withTimeout';

/**
 * Delivers outbox jobs by calling their processor's postProcess, at most
 * `concurrency` at a time. It wakes when a send has enqueued jobs and also
 * polls, which picks up retries that came due, jobs left by a stopped
 * instance once their lease expires, and jobs enqueued by other instances.
 */
export class OutboxWorker {
  private readonly inFlight = new Set<Promise<void>>();
  private draining?: Promise<void>;
  private drainRequested = false;
  private pollTimer?: NodeJS.Timeout;
  private stopped = true;

  constructor(
    private readonly store: OutboxStore,
    private readonly processors: () => NotificationProcessor[],
    private readonly config: OutboxConfig,
    private readonly logger: LoggerService,
  ) {}

  start(): void {
    if (!this.stopped) {
      return;
    }
    this.stopped = false;
    this.pollTimer = setInterval(() => this.wake(), this.config.pollIntervalMs);
    this.pollTimer.unref?.();
    this.wake();
  }

  /**
   * Stops taking new jobs and waits for the ones in progress, each bounded by
   * the postProcess timeout. Anything unfinished keeps its lease and is taken
   * again once the lease expires.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    // A claim in progress hands its jobs back before the worker goes.
    await this.draining?.catch(() => {});
    await Promise.allSettled([...this.inFlight]);
  }

  /** Looks for due jobs now instead of at the next poll. */
  wake(): void {
    if (this.stopped) {
      return;
    }
    if (this.draining) {
      this.drainRequested = true;
      return;
    }
    this.draining = this.drain()
      .catch(error =>
        this.logger.error('Failed to claim notification outbox jobs', error),
      )
      .finally(() => {
        this.draining = undefined;
        if (this.drainRequested) {
          this.drainRequested = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const free = this.config.concurrency - this.inFlight.size;
      if (free <= 0) {
        return;
      }
      const jobs = await this.store.claim(free, this.config.leaseMs);
      if (this.stopped) {
        // Claimed during shutdown: hand them back at once rather than leave
        // them locked until the lease expires.
        await this.store.release(jobs);
        return;
      }
      for (const job of jobs) {
        const running: Promise<void> = this.run(job).finally(() => {
          this.inFlight.delete(running);
          this.wake();
        });
        this.inFlight.add(running);
      }
      if (jobs.length < free) {
        return;
      }
    }
  }

  private async run(job: OutboxJob): Promise<void> {
    try {
      const processor = this.processors().find(
        p => p.getName() === job.processor,
      );
      if (!processor) {
        throw new Error(`No processor named '${job.processor}' is registered`);
      }
      if (processor.postProcess) {
        await withTimeout(
          processor.postProcess(job.notification, job.options, {
            deliveryId: job.deliveryId,
            attempt: job.attempts,
          }),
          this.config.timeoutMs,
          `postProcess of ${job.processor}`,
        );
      }
      await this.store.complete(job);
    } catch (error) {
      await this.handleFailure(job, error).catch(storeError =>
        this.logger.error(
          `Failed to record the outcome of notification outbox job ${job.id}`,
          storeError,
        ),
      );
    }
  }

  private async handleFailure(job: OutboxJob, error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    if (NotificationDeliveryDeferredError.isDeferral(error)) {
      const delay = this.deferralDelay(job, error.retryAfterMs);
      await this.store.defer(job, message, delay);
      this.logger.info(
        `postProcess of ${job.processor} for notification ${job.notification.id} deferred, retrying in ${delay} ms without spending an attempt: ${message}`,
      );
      return;
    }
    if (job.attempts >= this.config.maxAttempts) {
      await this.store.markDead(job, message);
      this.logger.error(
        `Notification outbox job ${job.id} is dead after ${job.attempts} attempts: postProcess of ${job.processor} for notification ${job.notification.id} failed: ${message}`,
      );
      return;
    }
    const delay = Math.min(
      this.config.initialBackoffMs * 2 ** (job.attempts - 1),
      this.config.maxBackoffMs,
    );
    await this.store.retryLater(job, message, delay);
    this.logger.warn(
      `postProcess of ${job.processor} for notification ${job.notification.id} failed (attempt ${job.attempts} of ${this.config.maxAttempts}), retrying in ${delay} ms: ${message}`,
    );
  }

  /**
   * A deferred job has no failed attempts to grow its backoff from, so it
   * waits about as long again as it has waited since it was queued: retries
   * thin out over a long outage, up to `maxBackoff`. A `Retry-After` is
   * honoured to the millisecond, but never below `initialBackoff`, so a
   * receiver answering `Retry-After: 0` is not called in a tight loop.
   */
  private deferralDelay(job: OutboxJob, retryAfterMs: number | undefined) {
    const { initialBackoffMs, maxBackoffMs } = this.config;
    if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs)) {
      return Math.max(retryAfterMs, initialBackoffMs);
    }
    const waited = Date.now() - job.queuedAt;
    return Math.min(Math.max(waited, initialBackoffMs), maxBackoffMs);
  }
}
