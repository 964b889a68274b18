import { NotificationsApi } from './NotificationsApi';

/** How many unread ids one round trip fetches and marks. */
export const MARK_ALL_READ_BATCH_SIZE = 200;

/**
 * Marks every unread notification of the user read, a bounded batch at a
 * time, so that a user with a huge backlog never pulls it all into the
 * browser in one response. Returns how many were marked.
 *
 * Read rows leave the unread set, so each round asks for the first page again.
 * A batch that comes back with ids already seen means the server did not mark
 * them (for example a concurrent unread), and the loop stops rather than spin.
 */
export async function markAllRead(
  api: NotificationsApi,
  batchSize: number = MARK_ALL_READ_BATCH_SIZE,
): Promise<number> {
  const seen = new Set<string>();
  let marked = 0;
  for (;;) {
    const { notifications } = await api.getNotifications({
      read: false,
      limit: batchSize,
      offset: 0,
    });
    const ids = notifications.map(n => n.id).filter(id => !seen.has(id));
    if (ids.length === 0) {
      return marked;
    }
    ids.forEach(id => seen.add(id));
    await api.updateNotifications({ ids, read: true });
    marked += ids.length;
    if (notifications.length < batchSize) {
      return marked;
    }
  }
}
