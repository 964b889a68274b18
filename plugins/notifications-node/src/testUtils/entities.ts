import { Entity } from '@backstage/catalog-model';

/**
 * A user in the default namespace, as the catalog returns it.
 *
 * @public
 */
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

/**
 * A team in the default namespace with `hasMember` relations to users.
 *
 * @public
 */
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

/**
 * A service in the default namespace with `ownedBy` relations to the owner
 * refs; the first is its `spec.owner`.
 *
 * @public
 */
export function componentEntity(name: string, owners: string[]): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', owner: owners[0] },
    relations: owners.map(owner => ({ type: 'ownedBy', targetRef: owner })),
  };
}
