import { Entity } from '@backstage/catalog-model';

/** A user in the default namespace, as the catalog returns it. */
export function userEntity(
  name: string,
  options: {
    email?: string;
    annotations?: Record<string, string>;
    /** Group names; each gives a `memberOf` relation too. */
    memberOf?: string[];
  } = {},
): Entity {
  const groups = (options.memberOf ?? []).map(
    group => `group:default/${group}`,
  );
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: {
      name,
      namespace: 'default',
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    spec: {
      profile: options.email ? { email: options.email } : {},
      memberOf: groups,
    },
    ...(groups.length > 0
      ? {
          relations: groups.map(targetRef => ({ type: 'memberOf', targetRef })),
        }
      : {}),
  };
}

/** A team in the default namespace with `hasMember` relations to users. */
export function groupEntity(
  name: string,
  members: string[],
  options: {
    annotations?: Record<string, string>;
    /** Child group names, each with a `parentOf` relation. */
    children?: string[];
  } = {},
): Entity {
  const children = options.children ?? [];
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name,
      namespace: 'default',
      ...(options.annotations ? { annotations: options.annotations } : {}),
    },
    spec: { type: 'team', children },
    relations: [
      ...members.map(member => ({
        type: 'hasMember',
        targetRef: `user:default/${member}`,
      })),
      ...children.map(child => ({
        type: 'parentOf',
        targetRef: `group:default/${child}`,
      })),
    ],
  };
}

/** The `recipients` of a send to the named users. */
export function toUserRecipients(names: string[]) {
  return {
    type: 'entity' as const,
    entityRef: names.map(name => `user:default/${name}`),
  };
}

/** How many times each value occurs. */
export function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) {
    counts[value] = (counts[value] ?? 0) + 1;
  }
  return counts;
}
