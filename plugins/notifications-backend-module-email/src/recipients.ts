import { AuthService, CacheService } from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Notification } from '@herald/plugin-notifications-common';
import { BroadcastConfig } from './config';

const USER_EMAIL_CACHE_PREFIX = 'email-processor:user-email:';
const ALL_USER_EMAILS_CACHE_KEY = 'email-processor:all-user-emails';
const EMAIL_FIELDS = ['kind', 'metadata.name', 'spec.profile.email'];

function emailOf(entity: Entity | undefined): string | undefined {
  const email = (entity?.spec as { profile?: { email?: unknown } } | undefined)
    ?.profile?.email;
  return typeof email === 'string' && email.trim() ? email.trim() : undefined;
}

type Waiting = {
  resolve(entity: Entity | undefined): void;
  reject(error: unknown): void;
};

/**
 * Finds the addresses a notification goes to: the recipient user's
 * `spec.profile.email` for a user notification, and the configured broadcast
 * receivers for a broadcast. Catalog answers (including "no address") are
 * cached for the configured TTL; a failing catalog call throws so that the
 * delivery is retried.
 *
 * The outbox delivers a claim's jobs side by side, one user each for a large
 * send, and a catalog request per user (a service token signed, a request
 * made and answered) was most of what draining such a send cost. So the
 * users looked up in one turn of the event loop are asked for in one
 * request.
 */
export class EmailRecipientLookup {
  /** Users waiting for the next request, each with its callers. */
  private batch?: Map<string, Waiting[]>;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      cache: CacheService;
      cacheTtlMs: number;
      broadcast: BroadcastConfig;
    },
  ) {}

  /** Whether a broadcast has anyone to email: not with `receiver: none`. */
  emailsBroadcasts(): boolean {
    return this.options.broadcast.receiver !== 'none';
  }

  async addressesFor(notification: Notification): Promise<string[]> {
    if (notification.user) {
      return this.userAddresses(notification.user);
    }
    switch (this.options.broadcast.receiver) {
      case 'users':
        return this.allUserAddresses();
      case 'config':
        return this.options.broadcast.receiverEmails ?? [];
      default:
        return [];
    }
  }

  private async userAddresses(userRef: string): Promise<string[]> {
    const key = `${USER_EMAIL_CACHE_PREFIX}${userRef}`;
    const cached = await this.options.cache.get<string[]>(key);
    if (cached) {
      return cached;
    }
    const email = emailOf(await this.userEntity(userRef));
    const addresses = email ? [email] : [];
    await this.options.cache.set(key, addresses, {
      ttl: this.options.cacheTtlMs,
    });
    return addresses;
  }

  private userEntity(userRef: string): Promise<Entity | undefined> {
    try {
      parseEntityRef(userRef);
    } catch {
      // The catalog would refuse the whole request it is part of.
      return Promise.resolve(undefined);
    }
    return new Promise((resolve, reject) => {
      if (!this.batch) {
        this.batch = new Map();
        setImmediate(() => this.requestBatch());
      }
      const waiting = this.batch.get(userRef) ?? [];
      waiting.push({ resolve, reject });
      this.batch.set(userRef, waiting);
    });
  }

  private async requestBatch(): Promise<void> {
    const batch = this.batch!;
    this.batch = undefined;
    const userRefs = [...batch.keys()];
    try {
      const { items } = await this.options.catalog.getEntitiesByRefs(
        { entityRefs: userRefs, fields: EMAIL_FIELDS },
        { credentials: await this.options.auth.getOwnServiceCredentials() },
      );
      userRefs.forEach((userRef, index) => {
        for (const waiting of batch.get(userRef)!) {
          waiting.resolve(items[index] ?? undefined);
        }
      });
    } catch (error) {
      for (const waiting of [...batch.values()].flat()) {
        waiting.reject(error);
      }
    }
  }

  private async allUserAddresses(): Promise<string[]> {
    const cached = await this.options.cache.get<string[]>(
      ALL_USER_EMAILS_CACHE_KEY,
    );
    if (cached) {
      return cached;
    }
    const { items } = await this.options.catalog.getEntities(
      {
        filter: { kind: 'User' },
        fields: EMAIL_FIELDS,
      },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    const addresses = new Map<string, string>();
    for (const entity of items) {
      const email = emailOf(entity);
      if (email && !addresses.has(email.toLowerCase())) {
        addresses.set(email.toLowerCase(), email);
      }
    }
    const result = [...addresses.values()];
    await this.options.cache.set(ALL_USER_EMAILS_CACHE_KEY, result, {
      ttl: this.options.cacheTtlMs,
    });
    return result;
  }
}
