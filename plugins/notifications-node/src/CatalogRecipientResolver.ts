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
import { NotificationReason } from '@herald/plugin-notifications-common';
import { NotificationRecipientReasons } from './extensions';
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

function keyOf(ref: string): string {
  return ref.toLocaleLowerCase('en-US');
}

/**
 * What the traversal found behind each expanded ref (by {@link keyOf}): the
 * users that are members of it, and the refs it led to (child groups, or an
 * entity's owner).
 */
type Expansions = Map<string, { members: string[]; next: string[] }>;

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
 * It also reports why each user was reached, as `NotificationReason`s:
 * `direct` for a user ref given, `group` for a member of a given group or of
 * its child groups, `owner` for the owners of a given entity, with the
 * owning group as `via`. Each distinct reason is built once and shared by
 * every user it reaches, so reasons and one-reason lists are frozen.
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
  ): Promise<{
    userEntityRefs: string[];
    reasons: NotificationRecipientReasons;
  }> {
    const excluded = new Set(options.excludedEntityRefs ?? []);
    const users = new Set<string>();
    const visited = new Set<string>();
    const expansions: Expansions = new Map();
    let level = options.entityRefs;

    while (level.length > 0) {
      const toFetch: string[] = [];
      for (const ref of level) {
        const key = keyOf(ref);
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
      level = await this.expand(toFetch, excluded, users, expansions);
    }

    const userEntityRefs = [...users].filter(ref => ref && !excluded.has(ref));
    return {
      userEntityRefs,
      reasons: reasonsOf(options.entityRefs, userEntityRefs, expansions),
    };
  }

  /** Fetches one level, collects its users and returns the next level. */
  private async expand(
    refs: string[],
    excluded: Set<string>,
    users: Set<string>,
    expansions: Expansions,
  ): Promise<string[]> {
    const { items } = await this.catalog.getEntitiesByRefs(
      { entityRefs: refs, fields: ENTITY_FIELDS },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const next: string[] = [];
    items.forEach((entity, index) => {
      if (!entity || excluded.has(stringifyEntityRef(entity))) {
        return;
      }
      const expansion = { members: [] as string[], next: [] as string[] };
      expansions.set(keyOf(refs[index]), expansion);
      const kind = entity.kind.toLocaleLowerCase('en-US');
      if (kind === 'user') {
        users.add(stringifyEntityRef(entity));
      } else if (kind === 'group') {
        for (const member of targetsOf(entity, RELATION_HAS_MEMBER)) {
          if (kindOf(member) === 'user') {
            users.add(member);
            expansion.members.push(member);
          }
        }
        expansion.next.push(...targetsOf(entity, RELATION_PARENT_OF));
      } else {
        const [owner] = targetsOf(entity, RELATION_OWNED_BY);
        if (owner) {
          expansion.next.push(owner);
        }
      }
      next.push(...expansion.next);
    });
    return next;
  }
}

/**
 * A reason with the key that tells it apart from others a user has, and the
 * list of a user it is the only reason of. Both are frozen, as every user
 * the reason reaches shares them.
 */
type KeyedReason = {
  reason: NotificationReason;
  key: string;
  alone: NotificationReason[];
};

function keyed(reason: NotificationReason): KeyedReason {
  const frozen = Object.freeze(reason);
  return {
    reason: frozen,
    key: JSON.stringify(reason),
    alone: Object.freeze([frozen]) as NotificationReason[],
  };
}

const DIRECT = keyed({ type: 'direct' });

/**
 * Why each user was reached, found by walking the expansions again from each
 * ref of the send: the traversal itself visits an entity once, however many
 * of the send's refs lead to it.
 *
 * A root reaches its users through few distinct reasons (one per owning group
 * on the way), so each reason, its key and its one-reason list are made once
 * and shared by every user it reaches: a group of 100,000 members, or a send
 * to 100,000 users by name, costs no reason object per user.
 */
function reasonsOf(
  roots: string[],
  userEntityRefs: string[],
  expansions: Expansions,
): NotificationRecipientReasons {
  // Most users have one reason, kept as it is; a list only for the others.
  const byUser = new Map<string, KeyedReason | KeyedReason[]>();
  const add = (user: string, reason: KeyedReason) => {
    const userKey = keyOf(user);
    const earlier = byUser.get(userKey);
    if (earlier === undefined) {
      byUser.set(userKey, reason);
    } else if (Array.isArray(earlier)) {
      if (!earlier.some(other => other.key === reason.key)) {
        earlier.push(reason);
      }
    } else if (earlier.key !== reason.key) {
      byUser.set(userKey, [earlier, reason]);
    }
  };

  for (const root of roots) {
    if (!root) {
      continue;
    }
    const rootKind = kindOf(root);
    if (rootKind === 'user') {
      add(root, DIRECT);
      continue;
    }
    const reachedVia = new Map<string | undefined, KeyedReason>();
    const reached = (via: string | undefined): KeyedReason => {
      let reason = reachedVia.get(via);
      if (!reason) {
        reason = keyed(
          rootKind === 'group'
            ? { type: 'group', entityRef: root }
            : { type: 'owner', entityRef: root, ...(via ? { via } : {}) },
        );
        reachedVia.set(via, reason);
      }
      return reason;
    };
    const seen = new Set<string>();
    const pending: Array<{ ref: string; via?: string }> = [{ ref: root }];
    while (pending.length > 0) {
      const { ref, via } = pending.pop()!;
      if (seen.has(keyOf(ref))) {
        continue;
      }
      seen.add(keyOf(ref));
      const expansion = expansions.get(keyOf(ref));
      if (expansion && expansion.members.length > 0) {
        const reason = reached(via);
        for (const member of expansion.members) {
          add(member, reason);
        }
      }
      for (const target of expansion?.next ?? []) {
        const targetKind = kindOf(target);
        if (targetKind === 'user') {
          add(target, reached(via));
        } else {
          // The first group on the way from an owned entity is its owner.
          const owningGroup =
            !via && rootKind !== 'group' && targetKind === 'group'
              ? target
              : undefined;
          pending.push({ ref: target, via: via ?? owningGroup });
        }
      }
    }
  }

  const reasons: NotificationRecipientReasons = {};
  for (const user of userEntityRefs) {
    const found = byUser.get(keyOf(user));
    if (Array.isArray(found)) {
      reasons[user] = found.map(keyedReason => keyedReason.reason);
    } else if (found) {
      reasons[user] = found.alone;
    }
  }
  return reasons;
}

function targetsOf(entity: Entity, relationType: string): string[] {
  return (entity.relations ?? [])
    .filter(relation => relation.type === relationType)
    .map(relation => relation.targetRef);
}
