import { Knex } from 'knex';

/** One queued delivery as the outbox stores it: the job's own part of its notification. */
type QueuedDelivery = {
  processor: string;
  sendId: string;
  own: { id: string; user?: string; payload?: Record<string, unknown> };
};

/**
 * Every delivery in the outbox, whether its job row exists yet or it is still
 * part of a batch row the worker has not claimed.
 */
export async function queuedDeliveries(knex: Knex): Promise<QueuedDelivery[]> {
  const rows: Array<{
    processor: string;
    send_id: string;
    notification: string;
    deliveries: number | null;
  }> = await knex('notification_outbox').select(
    'processor',
    'send_id',
    'notification',
    'deliveries',
  );
  return rows.flatMap(row => {
    const parsed = JSON.parse(row.notification);
    const owns = row.deliveries === null ? [parsed] : parsed;
    return owns.map((own: QueuedDelivery['own']) => ({
      processor: row.processor,
      sendId: row.send_id,
      own,
    }));
  });
}
