import { AuthService, CacheService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { Notification } from '@herald/plugin-notifications-common';
import { BroadcastConfig } from './config';

const USER_EMAIL_CACHE_PREFIX = 'email-processor:user-email:';
const ALL_USER_EMAILS_CACHE_KEY = 'email-processor:all-user-emails';

function emailOf(entity: Entity | undefined): string | undefined {
  const email = (entity?.spec as { profile?: { email?: unknown } } | undefined)
    ?.profile?.email;
  return typeof email === 'string' && email.trim() ? email.trim() : undefined;
}

/**
 * Finds the addresses a notification goes to: the recipient user's
 * `spec.profile.email` for a user notification, and the configured broadcast
 * receivers for a broadcast. Catalog answers (including "no address") are
 * cached for the configured TTL; a failing catalog call throws so that the
 * delivery is retried.
 */
export class EmailRecipientLookup {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      cache: CacheService;
      cacheTtlMs: number;
      broadcast: BroadcastConfig;
    },
  ) {}

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
    const entity = await this.options.catalog.getEntityByRef(userRef, {
      credentials: await this.options.auth.getOwnServiceCredentials(),
    });
    const email = emailOf(entity);
    const addresses = email ? [email] : [];
    await this.options.cache.set(key, addresses, {
      ttl: this.options.cacheTtlMs,
    });
    return addresses;
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
        fields: ['kind', 'metadata.name', 'spec.profile.email'],
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
