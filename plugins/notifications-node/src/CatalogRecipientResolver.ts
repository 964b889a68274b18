import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_HAS_MEMBER,
  RELATION_OWNED_BY,
  RELATION_PARENT_OF,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  NotificationRecipientResolver,
  NotificationRecipientResolverOptions,
} from './processor';

const ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'relations',
];

function kindOf(ref: string): string {
  return parseEntityRef(ref).kind.toLocaleLowerCase('en-US');
}

/**
 * Resolves entity refs to user refs through the catalog, breadth first: each
 * level of the traversal is fetched with a single `getEntitiesByRefs` call, so
 * a group of thousands of members costs one round-trip, not one per member.
 *
 * User refs are used as given, without a catalog lookup, so users missing from
 * the catalog still receive notifications. Groups contribute their members and
 * queue their child groups; any other entity queues its first owner. An
 * excluded ref is never expanded, and excluded users are dropped at the end.
 *
 * The notifications backend resolves recipients with it unless a module sets
 * another resolver; emitters that notify many entities' owners at once use it
 * to expand each owner once per batch.
 *
 * @public
 */
export class CatalogRecipientResolver implements NotificationRecipientResolver {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  async resolveNotificationRecipients(
    options: NotificationRecipientResolverOptions,
  ): Promise<{ userEntityRefs: string[] }> {
    const excluded = new Set(options.excludedEntityRefs ?? []);
    const users = new Set<string>();
    const visited = new Set<string>();
    let level = options.entityRefs;

    while (level.length > 0) {
      const toFetch: string[] = [];
      for (const ref of level) {
        const key = ref.toLocaleLowerCase('en-US');
        if (!ref || visited.has(key)) {
          continue;
        }
        visited.add(key);
        if (kindOf(ref) === 'user') {
          users.add(ref);
        } else if (!excluded.has(ref)) {
          toFetch.push(ref);
        }
      }
      if (toFetch.length === 0) {
        break;
      }
      level = await this.expand(toFetch, excluded, users);
    }

    return {
      userEntityRefs: [...users].filter(ref => ref && !excluded.has(ref)),
    };
  }

  /** Fetches one level, collects its users and returns the next level. */
  private async expand(
    refs: string[],
    excluded: Set<string>,
    users: Set<string>,
  ): Promise<string[]> {
    const { items } = await this.catalog.getEntitiesByRefs(
      { entityRefs: refs, fields: ENTITY_FIELDS },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const next: string[] = [];
    for (const entity of items) {
      if (!entity || excluded.has(stringifyEntityRef(entity))) {
        continue;
      }
      const kind = entity.kind.toLocaleLowerCase('en-US');
      if (kind === 'user') {
        users.add(stringifyEntityRef(entity));
      } else if (kind === 'group') {
        for (const member of targetsOf(entity, RELATION_HAS_MEMBER)) {
          if (kindOf(member) === 'user') {
            users.add(member);
          }
        }
        next.push(...targetsOf(entity, RELATION_PARENT_OF));
      } else {
        const [owner] = targetsOf(entity, RELATION_OWNED_BY);
        if (owner) {
          next.push(owner);
        }
      }
    }
    return next;
  }
}

function targetsOf(entity: Entity, relationType: string): string[] {
  return (entity.relations ?? [])
    .filter(relation => relation.type === relationType)
    .map(relation => relation.targetRef);
}
