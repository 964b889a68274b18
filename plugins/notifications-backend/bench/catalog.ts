import { Entity } from '@backstage/catalog-model';

/** The ref of the `i`th user of a benchmark's catalog. */
export const benchUserRef = (i: number) => `user:default/user-${i}`;

/** The ref of {@link everyoneGroup}. */
export const EVERYONE_GROUP_REF = 'group:default/everyone';

/** A team whose members are the first `size` users, by {@link benchUserRef}. */
export function everyoneGroup(size: number): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'everyone', namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: Array.from({ length: size }, (_, i) => ({
      type: 'hasMember',
      targetRef: benchUserRef(i),
    })),
  };
}
