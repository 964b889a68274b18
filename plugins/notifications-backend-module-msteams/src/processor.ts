import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Notification,
  NotificationSendOptions,
} from '@herald/plugin-notifications-common';
import {
  deferWhenTransient,
  NotificationProcessor,
  DeliveryTargetsError,
} from '@herald/plugin-notifications-node';
import { createHash } from 'node:crypto';
import { renderTeamsMessage } from './card';
import { TeamsDeliveryLog } from './deliveryLog';
import { postCard } from './postCard';
import { TeamsTarget, TeamsTargets } from './targets';

/** The settings channel id users switch Teams cards off with. */
export const TEAMS_CHANNEL = 'Microsoft Teams';

/**
 * What the jobs of one send have in common: every recipient's notification
 * carries the same origin, creation time and send options, so they agree on
 * the key and a channel gets one card per send. A scoped re-send sets
 * `updated` and is posted again.
 */
export function sendKeyOf(
  notification: Notification,
  options: NotificationSendOptions,
): string {
  const version = new Date(
    notification.updated ?? notification.created,
  ).toISOString();
  return createHash('sha256')
    .update(
      JSON.stringify([
        notification.origin,
        version,
        options.recipients,
        options.payload,
      ]),
    )
    .digest('hex');
}

function deliveryKeyOf(sendKey: string, target: TeamsTarget): string {
  return createHash('sha256').update(`${sendKey}\n${target.url}`).digest('hex');
}

/** Why a channel has no card yet, and when it takes one again, if known. */
type Pending = { reason: string; retryAfterMs?: number };

/** Describes the channels that did not get the card yet. */
export class TeamsDeliveryError extends DeliveryTargetsError {
  constructor(
    notification: Notification,
    failures: Array<{ target: string; reason: string }>,
  ) {
    super(
      `Teams card of notification ${notification.id} not posted to ${failures.length} channel(s)`,
      failures,
    );
  }
}

export type TeamsProcessorOptions = {
  logger: LoggerService;
  targets: TeamsTargets;
  log: TeamsDeliveryLog;
  appBaseUrl: string;
  requestTimeoutMs: number;
  /** Outlives a request, so no two attempts post the same card at once. */
  leaseMs: number;
};

/**
 * Posts each send as an Adaptive Card to its Teams channels, once per
 * channel. postProcess throws while any channel still lacks the card, so
 * the outbox retries; the delivery log skips channels that have it.
 */
export class TeamsProcessor implements NotificationProcessor {
  /** When each webhook said it takes posts again, after a 429. */
  private readonly pausedUntil = new Map<string, number>();

  constructor(private readonly options: TeamsProcessorOptions) {}

  getName(): string {
    return TEAMS_CHANNEL;
  }

  async postProcess(
    notification: Notification,
    options: NotificationSendOptions,
  ): Promise<void> {
    const sendKey = sendKeyOf(notification, options);
    const targets = await this.options.targets.resolve(
      notification,
      options,
      sendKey,
    );
    if (targets.length === 0) {
      return;
    }
    const failures: Array<{ target: string } & Pending> = [];
    await Promise.all(
      targets.map(async target => {
        const pending = await this.deliver(notification, sendKey, target);
        if (pending) {
          failures.push({ target: target.label, ...pending });
        }
      }),
    );
    if (failures.length > 0) {
      // Every failure left is one that passes (a refused card is finished
      // as rejected), so the outbox retries without spending an attempt:
      // a Teams outage of any length ends with each card posted.
      throw deferWhenTransient(
        new TeamsDeliveryError(notification, failures),
        failures.map(f => ({ transient: true, retryAfterMs: f.retryAfterMs })),
      );
    }
  }

  /** Resolves to why the channel has no card yet, or undefined when it has. */
  private async deliver(
    notification: Notification,
    sendKey: string,
    target: TeamsTarget,
  ): Promise<Pending | undefined> {
    const { log, logger } = this.options;
    const paused = this.pausedUntil.get(target.url) ?? 0;
    if (paused > Date.now()) {
      return {
        reason: `rate limited until ${new Date(paused).toISOString()}`,
        retryAfterMs: paused - Date.now(),
      };
    }
    const key = deliveryKeyOf(sendKey, target);
    const claim = await log.claim(
      key,
      { notificationId: notification.id, target: target.label },
      this.options.leaseMs,
    );
    if (claim.kind === 'finished' || claim.kind === 'missing') {
      // Missing: the record was cleaned up, long after it was finished.
      return undefined;
    }
    if (claim.kind === 'wait') {
      // No Retry-After: `until` may be the lease of an attempt that is
      // posting right now, and usually done long before it expires.
      return {
        reason: `waiting until ${new Date(claim.until).toISOString()}`,
      };
    }
    const outcome = await postCard(
      target.url,
      JSON.stringify(renderTeamsMessage(notification, this.options.appBaseUrl)),
      this.options.requestTimeoutMs,
    );
    if (outcome.kind === 'delivered') {
      await log.finish(key, claim.token, 'delivered', {
        status: outcome.status,
      });
      return undefined;
    }
    if (outcome.kind === 'rejected') {
      logger.error(
        `Teams webhook ${target.label} refused the card of notification ${notification.id}, not retrying: ${outcome.error}`,
      );
      await log.finish(key, claim.token, 'rejected', outcome);
      return undefined;
    }
    const notBefore = Date.now() + (outcome.retryAfterMs ?? 0);
    if (outcome.retryAfterMs !== undefined) {
      this.pausedUntil.set(target.url, notBefore);
    }
    await log.release(key, claim.token, {
      status: outcome.status,
      error: outcome.error,
      notBefore,
    });
    return { reason: outcome.error, retryAfterMs: outcome.retryAfterMs };
  }
}
