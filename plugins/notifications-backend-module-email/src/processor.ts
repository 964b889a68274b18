import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Notification,
  NotificationProcessorFilters,
  NotificationSendOptions,
} from '@herald/plugin-notifications-common';
import {
  NotificationPostProcessContext,
  NotificationProcessor,
  deferWhenTransient,
  DeliveryTargetsError,
} from '@herald/plugin-notifications-node';
import { EmailAddressPolicy } from './addresses';
import { EmailDigests } from './EmailDigests';
import { SentEmailLog, notificationVersion } from './SentEmailLog';
import { Mailer, isTransientSendFailure } from './mailer';
import { EmailRecipientLookup } from './recipients';
import { EmailRenderer, RenderedEmail } from './template';

/** The settings channel id users switch email off with; also upstream's name. */
export const EMAIL_CHANNEL = 'Email';

/** Thrown when some addresses could not be reached, so the delivery is retried. */
export class EmailDeliveryError extends DeliveryTargetsError {
  constructor(
    notification: Notification,
    readonly failures: Array<{ address: string; error: Error }>,
    attempted: number,
  ) {
    super(
      `Failed to email notification ${notification.id} to ${failures.length} of ${attempted} address(es)`,
      failures.map(f => ({ target: f.address, reason: f.error.message })),
    );
  }
}

export type EmailProcessorOptions = {
  logger: LoggerService;
  mailer: Mailer;
  recipients: EmailRecipientLookup;
  addressPolicy: EmailAddressPolicy;
  sentLog: SentEmailLog;
  renderer: EmailRenderer;
  filters: NotificationProcessorFilters;
  /**
   * How long one postProcess call keeps starting new messages. The outbox
   * abandons an attempt after its timeout and retries it later; stopping
   * well before that keeps an abandoned attempt from racing its retry.
   */
  sendBudgetMs: number;
  /** Holds back deliveries for users on hourly or daily digests. */
  digests?: EmailDigests;
};

/** An address this attempt did not try; the outbox retry will. */
class DeferredAddressError extends Error {}

/**
 * Emails each notification to its recipients, one message per address.
 *
 * postProcess resolves only when every address has been handled and throws
 * otherwise, so the outbox retries it; addresses that already got the
 * message (or were permanently refused) are recorded and skipped on retry.
 */
export class EmailProcessor implements NotificationProcessor {
  /** Addresses being sent right now, so an overlapping retry does not send them twice. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly options: EmailProcessorOptions) {}

  getName(): string {
    return EMAIL_CHANNEL;
  }

  /**
   * The configured filters; with no one to email a broadcast to (the default
   * `broadcastConfig.receiver: none`), broadcasts are declined too, so Herald
   * queues no delivery for one that would send nothing.
   */
  getNotificationFilters(): NotificationProcessorFilters {
    const { filters, recipients } = this.options;
    return recipients.emailsBroadcasts()
      ? filters
      : { ...filters, broadcasts: false };
  }

  async postProcess(
    notification: Notification,
    _options?: NotificationSendOptions,
    context?: NotificationPostProcessContext,
  ): Promise<void> {
    const { logger, addressPolicy, sentLog } = this.options;

    const candidates = await this.options.recipients.addressesFor(notification);
    const { accepted, invalid, excluded } = addressPolicy.screen(candidates);
    if (invalid.length > 0) {
      logger.warn(
        `Not emailing notification ${
          notification.id
        } to invalid address(es): ${invalid.join(', ')}`,
      );
    }
    if (excluded.length > 0) {
      logger.debug(
        `Not emailing notification ${
          notification.id
        } to address(es) excluded by config: ${excluded.join(', ')}`,
      );
    }
    if (accepted.length === 0) {
      return;
    }
    // Without a delivery id (a host without the outbox) a queued row could
    // not be told apart from its retry, so such hosts always email now.
    if (
      context?.deliveryId &&
      (await this.options.digests?.queueIfDigested(
        notification,
        context.deliveryId,
        accepted,
      ))
    ) {
      return;
    }

    const finished = await sentLog.finishedAddresses(notification, accepted);
    const pending = accepted.filter(address => !finished.has(address));
    if (pending.length === 0) {
      return;
    }

    const message = await this.options.renderer.render(notification);
    const deadline = Date.now() + this.options.sendBudgetMs;
    const failures: Array<{ address: string; error: Error }> = [];
    await Promise.all(
      pending.map(async address => {
        const key = `${notification.id}\n${notificationVersion(
          notification,
        )}\n${address}`;
        if (this.inFlight.has(key)) {
          failures.push({
            address,
            error: new DeferredAddressError('an earlier attempt is sending it'),
          });
          return;
        }
        this.inFlight.add(key);
        try {
          await this.sendOne(notification, address, message, deadline);
        } catch (error) {
          failures.push({ address, error: error as Error });
        } finally {
          this.inFlight.delete(key);
        }
      }),
    );
    if (failures.length > 0) {
      // An outage of the mail server must not dead-letter the job: when
      // every failure passes by itself, the outbox retries without
      // spending an attempt.
      throw deferWhenTransient(
        new EmailDeliveryError(notification, failures, pending.length),
        failures.map(f => ({
          transient:
            f.error instanceof DeferredAddressError ||
            isTransientSendFailure(f.error),
        })),
      );
    }
  }

  private async sendOne(
    notification: Notification,
    address: string,
    message: RenderedEmail,
    deadline: number,
  ): Promise<void> {
    const { mailer, sentLog, logger } = this.options;
    await mailer.awaitSlot();
    if (Date.now() > deadline) {
      throw new DeferredAddressError(
        'left for the next attempt, this one has used its time budget',
      );
    }
    const outcome = await mailer.send(address, message);
    if (outcome.kind === 'rejected') {
      logger.warn(
        `Mail server permanently refused ${address} for notification ${notification.id}, not retrying: ${outcome.reason}`,
      );
    }
    await sentLog.recordFinished(notification, address, outcome.kind);
  }
}
