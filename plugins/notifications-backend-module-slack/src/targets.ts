import { AuthService, CacheService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  Notification,
  NotificationSendOptions,
} from '@herald/plugin-notifications-common';
import {
  ANNOTATION_SLACK_BOT_NOTIFY,
  SLACK_CHANNEL_METADATA_KEY,
} from './constants';
import { SlackWorkspaceClient } from './slackClient';

/** Upstream keeps entity lookups for ten minutes too. */
const ENTITY_CACHE_TTL_MS = 10 * 60 * 1000;
const CACHE_PREFIX = 'slack-processor:';

function normalizeRef(ref: string, defaultKind: string): string | undefined {
  try {
    return stringifyEntityRef(parseEntityRef(ref, { defaultKind }));
  } catch {
    return undefined;
  }
}

function entityRefsOf(options: NotificationSendOptions): string[] {
  const { recipients } = options;
  if (recipients.type !== 'entity') {
    return [];
  }
  const refs = Array.isArray(recipients.entityRef)
    ? recipients.entityRef
    : [recipients.entityRef];
  return refs.flatMap(ref => normalizeRef(ref, 'user') ?? []);
}

type EntitySlackInfo = { annotation?: string; email?: string };

/**
 * Finds where a notification goes in Slack from the catalog: a user's
 * `slack.com/bot-notify` annotation or else the user id Slack has for the
 * user's email, and a group's (or any non-user entity's) annotation or the
 * notification's `metadata.slackChannel`.
 */
export class SlackTargetResolver {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      cache: CacheService;
    },
  ) {}

  /**
   * A user gets a direct message only when named in the send itself, not
   * when reached through a group, as upstream decides.
   */
  isNamedRecipient(
    notification: Notification,
    options: NotificationSendOptions,
  ): boolean {
    const user = notification.user && normalizeRef(notification.user, 'user');
    return Boolean(user) && entityRefsOf(options).includes(user!);
  }

  /** The channels of the non-user entities a send names. */
  async entityChannels(
    notification: Notification,
    options: NotificationSendOptions,
  ): Promise<string[]> {
    const others = entityRefsOf(options).filter(
      ref => parseEntityRef(ref).kind.toLocaleLowerCase('en-US') !== 'user',
    );
    if (others.length === 0) {
      return [];
    }
    const fromMetadata =
      notification.payload.metadata?.[SLACK_CHANNEL_METADATA_KEY];
    if (typeof fromMetadata === 'string' && fromMetadata.trim()) {
      return [fromMetadata.trim()];
    }
    const channels = new Set<string>();
    for (const ref of others) {
      const { annotation } = await this.entityInfo(ref);
      if (annotation) {
        channels.add(annotation);
      }
    }
    return [...channels];
  }

  /** The Slack destination of a user in one workspace, if there is one. */
  async userTarget(
    userRef: string,
    client: SlackWorkspaceClient,
    deadline: number,
  ): Promise<string | undefined> {
    const ref = normalizeRef(userRef, 'user');
    if (!ref) {
      return undefined;
    }
    const info = await this.entityInfo(ref);
    // An annotation may hold an email address, which chat.postMessage does
    // not take; it is looked up like the profile email.
    if (info.annotation && !info.annotation.includes('@')) {
      return info.annotation;
    }
    const email = info.annotation ?? info.email;
    if (!email) {
      return undefined;
    }
    const key = `${CACHE_PREFIX}email:${client.workspace.id}:${email}`;
    const cached = await this.options.cache.get<{ id: string | null }>(key);
    if (cached) {
      return cached.id ?? undefined;
    }
    const id = await client.lookupUserIdByEmail(email, deadline);
    await this.options.cache.set(
      key,
      { id: id ?? null },
      { ttl: ENTITY_CACHE_TTL_MS },
    );
    return id;
  }

  private async entityInfo(ref: string): Promise<EntitySlackInfo> {
    const key = `${CACHE_PREFIX}entity:${ref}`;
    const cached = await this.options.cache.get<EntitySlackInfo>(key);
    if (cached) {
      return cached;
    }
    const entity: Entity | undefined =
      await this.options.catalog.getEntityByRef(ref, {
        credentials: await this.options.auth.getOwnServiceCredentials(),
      });
    const annotation =
      entity?.metadata.annotations?.[ANNOTATION_SLACK_BOT_NOTIFY]?.trim();
    const email = (
      entity?.spec as { profile?: { email?: unknown } } | undefined
    )?.profile?.email;
    const info: EntitySlackInfo = {
      ...(annotation ? { annotation } : {}),
      ...(typeof email === 'string' && email.trim()
        ? { email: email.trim() }
        : {}),
    };
    await this.options.cache.set(key, info, { ttl: ENTITY_CACHE_TTL_MS });
    return info;
  }
}
