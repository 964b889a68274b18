import { LoggerService } from '@backstage/backend-plugin-api';
import {
  Notification,
  NotificationProcessorFilters,
  NotificationSendOptions,
} from '@herald/plugin-notifications-common';
import {
  deferWhenTransient,
  NotificationPostProcessContext,
  NotificationProcessor,
  DeliveryTargetsError,
} from '@herald/plugin-notifications-node';
import {
  mentionedUserRefs,
  renderMessage,
  SlackMessageContent,
} from './blocks';
import { broadcastChannelsFor, postsBroadcasts } from './config';
import { ANNOTATION_SLACK_BOT_NOTIFY, SLACK_CHANNEL } from './constants';
import { hashKey, SlackDeliveryLog } from './deliveryLog';
import { SlackBlockKitRenderer } from './extensions';
import {
  certainlyNotPosted,
  platformErrorOf,
  SlackRateLimitedError,
  SlackWorkspaceClient,
  transientFailureOf,
} from './slackClient';
import { SlackTargetResolver } from './targets';

/** Slack will never accept these for the target, however often asked. */
const PERMANENT_TARGET_ERRORS = new Set([
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'cannot_dm_bot',
  'user_disabled',
  'user_not_found',
  'msg_too_long',
  'invalid_blocks',
  'restricted_action',
]);

/** Answers of `chat.update` that mean the stored message cannot be edited. */
const STALE_MESSAGE_ERRORS = new Set([
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'channel_not_found',
]);

/**
 * A scoped re-send keeps the notification id but sets `updated`; dates may
 * arrive as strings after a round trip through the outbox.
 */
function notificationVersion(notification: Notification): string {
  const stamp = notification.updated ?? notification.created;
  const date = new Date(stamp);
  return Number.isNaN(date.getTime()) ? String(stamp) : date.toISOString();
}

/**
 * Identifies one send across its recipients: every recipient's notification
 * of a send shares origin, title, recipients and time. A post to a group's
 * channel is keyed by it, so it goes out once however many members get the
 * notification.
 */
function sendKey(
  notification: Notification,
  options: NotificationSendOptions,
): string {
  return hashKey(
    notification.origin,
    notificationVersion(notification),
    notification.payload.title,
    notification.payload.scope ?? '',
    JSON.stringify(options.recipients),
  );
}

type Post = {
  target: string;
  key: string;
};

/** A target this attempt did not post to; the outbox retry will. */
class DeferredPostError extends Error {}

export class SlackDeliveryError extends DeliveryTargetsError {
  constructor(
    notification: Notification,
    failures: Array<{ target: string; error: Error }>,
  ) {
    super(
      `Failed to post notification ${notification.id} to Slack for ${failures.length} target(s)`,
      failures.map(f => ({ target: f.target, reason: f.error.message })),
    );
  }
}

/**
 * A deferral when every target failed for a passing reason, so a Slack
 * outage or rate limit of any length never dead-letters a post; otherwise
 * an error that counts towards the outbox's attempts.
 */
function deliveryFailure(
  notification: Notification,
  failures: Array<{ target: string; error: Error }>,
): Error {
  return deferWhenTransient(
    new SlackDeliveryError(notification, failures),
    failures.map(({ error }) => {
      const transient =
        error instanceof DeferredPostError ? {} : transientFailureOf(error);
      return { transient: transient !== undefined, ...transient };
    }),
  );
}

export type SlackProcessorOptions = {
  logger: LoggerService;
  clients: SlackWorkspaceClient[];
  targets: SlackTargetResolver;
  log: SlackDeliveryLog;
  appBaseUrl: string;
  renderer: () => SlackBlockKitRenderer | undefined;
  /**
   * How long one postProcess call keeps starting posts and waiting for
   * Slack's Retry-After; well inside the outbox timeout, so an abandoned
   * attempt does not race its retry.
   */
  sendBudgetMs: number;
};

/**
 * Posts notifications to Slack: direct messages to the users a send names,
 * messages to the channels of the groups it names, and broadcasts to the
 * configured channels, in every configured workspace. Runs from the outbox:
 * postProcess throws until every post is done, and the delivery log keeps a
 * retry from posting anything twice.
 */
export class SlackNotificationProcessor implements NotificationProcessor {
  /** Posts being made right now, so an overlapping retry leaves them alone. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly options: SlackProcessorOptions) {}

  getName(): string {
    return SLACK_CHANNEL;
  }

  /**
   * Declines broadcasts when no workspace has a channel for them (upstream's
   * default), so a broadcast queues no Slack delivery that posts nothing.
   */
  getNotificationFilters(): NotificationProcessorFilters {
    return this.options.clients.some(client =>
      postsBroadcasts(client.workspace),
    )
      ? {}
      : { broadcasts: false };
  }

  async postProcess(
    notification: Notification,
    options: NotificationSendOptions,
    context?: NotificationPostProcessContext,
  ): Promise<void> {
    const deliveryId =
      context?.deliveryId ??
      hashKey(notification.id, notificationVersion(notification));
    const deadline = Date.now() + this.options.sendBudgetMs;
    const failures: Array<{ target: string; error: Error }> = [];

    for (const client of this.options.clients) {
      let posts: Post[];
      try {
        posts = await this.postsFor(
          notification,
          options,
          client,
          deliveryId,
          deadline,
        );
      } catch (error) {
        failures.push({ target: 'recipients', error: error as Error });
        continue;
      }
      if (posts.length === 0) {
        continue;
      }
      const content = await this.render(notification, client, deadline);
      await Promise.all(
        posts.map(async post => {
          try {
            await this.deliver(
              notification,
              client,
              post,
              deliveryId,
              content,
              deadline,
            );
          } catch (error) {
            failures.push({ target: post.target, error: error as Error });
          }
        }),
      );
    }
    if (failures.length > 0) {
      throw deliveryFailure(notification, failures);
    }
  }

  private async postsFor(
    notification: Notification,
    options: NotificationSendOptions,
    client: SlackWorkspaceClient,
    deliveryId: string,
    deadline: number,
  ): Promise<Post[]> {
    const ws = client.workspace.id;
    if (!notification.user) {
      return broadcastChannelsFor(
        client.workspace,
        notification.origin,
        notification.payload.topic,
      ).map(target => ({ target, key: hashKey(deliveryId, ws, target) }));
    }
    const posts: Post[] = [];
    const { targets } = this.options;
    if (targets.isNamedRecipient(notification, options)) {
      const target = await targets.userTarget(
        notification.user,
        client,
        deadline,
      );
      if (target) {
        posts.push({ target, key: hashKey(deliveryId, ws, target) });
      } else {
        this.options.logger.debug(
          `No Slack user found for ${notification.user}: no ${ANNOTATION_SLACK_BOT_NOTIFY} annotation and no email Slack knows`,
        );
      }
    }
    const send = sendKey(notification, options);
    for (const target of await targets.entityChannels(notification, options)) {
      posts.push({ target, key: hashKey('send', send, ws, target) });
    }
    return posts;
  }

  private async render(
    notification: Notification,
    client: SlackWorkspaceClient,
    deadline: number,
  ): Promise<SlackMessageContent> {
    const slackIds = new Map<string, string>();
    for (const ref of mentionedUserRefs(
      notification.payload.description ?? '',
    )) {
      const id = await this.options.targets.userTarget(ref, client, deadline);
      if (id) {
        slackIds.set(ref.toLocaleLowerCase('en-US'), id);
      }
    }
    return renderMessage({
      notification,
      appBaseUrl: this.options.appBaseUrl,
      slackIds,
      renderer: this.options.renderer(),
    });
  }

  private async deliver(
    notification: Notification,
    client: SlackWorkspaceClient,
    post: Post,
    deliveryId: string,
    content: SlackMessageContent,
    deadline: number,
  ): Promise<void> {
    const { log, logger } = this.options;
    const { key, target } = post;
    if (this.inFlight.has(key)) {
      throw new DeferredPostError('an earlier attempt is still posting it');
    }
    this.inFlight.add(key);
    try {
      const claim = await log.claim(key, deliveryId, notification.id, target);
      if (claim.kind !== 'mine') {
        return;
      }
      const message = {
        channel: target,
        text: content.text,
        attachments: [
          {
            color: content.color,
            fallback: content.text,
            blocks: content.blocks,
          },
        ],
        ...(client.workspace.username
          ? { username: client.workspace.username }
          : {}),
      };
      const { scope } = notification.payload;
      const scopeKey = scope
        ? hashKey(client.workspace.id, notification.origin, scope, target)
        : undefined;

      if (scopeKey && notification.updated) {
        const previous = await log.scopedMessage(scopeKey);
        if (
          previous &&
          (await this.update(client, previous, message, deadline))
        ) {
          await log.finish(key, 'posted', previous);
          return;
        }
      }

      if (claim.uncertain) {
        const found = await this.findEarlierPost(
          client,
          target,
          key,
          claim.claimedAt,
          deadline,
        );
        if (found) {
          await log.finish(key, 'posted', found);
          if (scopeKey) {
            await log.rememberScopedMessage(scopeKey, found);
          }
          return;
        }
      }

      await log.setUncertain(key, true);
      let posted: { channel: string; ts: string };
      try {
        posted = await client.postMessage(
          {
            ...message,
            metadata: {
              event_type: 'herald_notification',
              event_payload: {
                delivery_key: key,
                notification_id: notification.id,
              },
            },
          },
          deadline,
        );
      } catch (error) {
        if (certainlyNotPosted(error)) {
          await log.setUncertain(key, false);
        }
        const code = platformErrorOf(error);
        if (code && PERMANENT_TARGET_ERRORS.has(code)) {
          logger.warn(
            `Slack refused notification ${notification.id} for ${target} with ${code}; not retrying`,
          );
          await log.finish(key, 'skipped');
          return;
        }
        throw error;
      }
      await log.finish(key, 'posted', posted);
      if (scopeKey) {
        await log.rememberScopedMessage(scopeKey, posted);
      }
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** Edits the earlier message of the scope; false when it cannot be edited. */
  private async update(
    client: SlackWorkspaceClient,
    previous: { channel: string; ts: string },
    message: { text: string; attachments: object[] },
    deadline: number,
  ): Promise<boolean> {
    try {
      await client.updateMessage(
        {
          channel: previous.channel,
          ts: previous.ts,
          text: message.text,
          attachments: message.attachments,
        },
        deadline,
      );
      return true;
    } catch (error) {
      const code = platformErrorOf(error);
      if (code && STALE_MESSAGE_ERRORS.has(code)) {
        return false;
      }
      throw error;
    }
  }

  /**
   * After an attempt that may have posted without hearing back, looks for
   * its message before posting again. Without the history scope the post is
   * repeated (and logged): a duplicate is better than a lost message.
   */
  private async findEarlierPost(
    client: SlackWorkspaceClient,
    target: string,
    key: string,
    since: number,
    deadline: number,
  ) {
    try {
      return await client.findPosted(target, key, since, deadline);
    } catch (error) {
      if (error instanceof SlackRateLimitedError || !platformErrorOf(error)) {
        throw error;
      }
      this.options.logger.warn(
        `Could not check whether an earlier attempt already posted to ${target} (${platformErrorOf(
          error,
        )}); posting again`,
      );
      return undefined;
    }
  }
}
