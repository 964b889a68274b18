import { Knex } from 'knex';

/** Owns the deletes of expired notifications and broadcasts. */
export class RetentionStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Deletes notifications and broadcasts last touched at or before `cutoff`:
   * `updated` when a scoped re-send set it, `created` otherwise. Returns how
   * many rows went.
   */
  async deleteExpired(cutoff: Date): Promise<number> {
    const expired = (query: Knex.QueryBuilder) =>
      query
        .where(q => q.where('created', '<=', cutoff).whereNull('updated'))
        .orWhere('updated', '<=', cutoff);

    return await this.knex.transaction(async trx => {
      const notifications = await expired(trx('notification')).delete();
      // Explicit, because SQLite only cascades with foreign keys switched on.
      await trx('broadcast_user_status')
        .whereIn('broadcast_id', sub =>
          expired(sub.select('id').from('broadcast')),
        )
        .delete();
      const broadcasts = await expired(trx('broadcast')).delete();
      return Number(notifications) + Number(broadcasts);
    });
  }
}
