// The builders live beside the recipient resolver, so the notifications
// backend, which this package depends on, can build the same entities.
export {
  groupEntity,
  userEntity,
} from '@herald/plugin-notifications-node/testUtils';

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
