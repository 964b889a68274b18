import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import {
  ROWS_PER_STATEMENT,
  chunk,
  isBetterSqlite,
  isPostgres,
} from '../store/sql';

/** One stored switch; `topic` null is the origin-level switch. */
export type StoredSetting = {
  channel: string;
  origin: string;
  topic: string | null;
  enabled: boolean;
};

export type ReceivedTopic = { origin: string; topic: string | null };

/** The same key upstream stores, so an upstream database keeps working. */
export function settingsKeyHash(user: string, setting: StoredSetting): string {
  return createHash('sha256')
    .update(
      `${user}|${setting.channel}|${setting.origin}|${setting.topic ?? ''}`,
    )
    .digest('hex');
}

/** Users per query when reading the settings of a send's recipients. */
const USERS_PER_QUERY = 10_000;

function toStored(row: {
  channel: string;
  origin: string;
  topic: string | null;
  enabled: unknown;
}): StoredSetting {
  return {
    channel: row.channel,
    origin: row.origin,
    topic: row.topic ?? null,
    // SQLite and MySQL hand booleans back as 0/1.
    enabled: Boolean(Number(row.enabled)),
  };
}

/** Owns the SQL of the `user_settings` table. */
export class SettingsStore {
  constructor(private readonly knex: Knex) {}

  async getUserSettings(user: string): Promise<StoredSetting[]> {
    const rows = await this.knex('user_settings')
      .select('channel', 'origin', 'topic', 'enabled')
      .where('user', user);
    return rows.map(toStored);
  }

  /** The distinct origins and topics of the user's own notifications. */
  async getReceivedTopics(user: string): Promise<ReceivedTopic[]> {
    return await this.knex('notification')
      .distinct('origin', 'topic')
      .where('user', user)
      .orderBy(['origin', 'topic']);
  }

  /** Replaces all of a user's settings atomically. */
  async replaceUserSettings(
    user: string,
    settings: StoredSetting[],
  ): Promise<void> {
    const rows = new Map<string, object>();
    for (const setting of settings) {
      const hash = settingsKeyHash(user, setting);
      rows.set(hash, { user, ...setting, settings_key_hash: hash });
    }
    const values = [...rows.values()];
    await this.knex.transaction(async trx => {
      await trx('user_settings').where('user', user).delete();
      for (const rowChunk of chunk(values, ROWS_PER_STATEMENT)) {
        await trx('user_settings').insert(rowChunk);
      }
    });
  }

  /**
   * The settings of many users for one origin (matched case-insensitively),
   * in one query for any realistic send.
   */
  async getSettingsForUsers(
    users: string[],
    origin: string,
  ): Promise<Map<string, StoredSetting[]>> {
    const byUser = new Map<string, StoredSetting[]>();
    for (const userChunk of chunk(users, USERS_PER_QUERY)) {
      const query = this.knex('user_settings')
        .select('user', 'channel', 'origin', 'topic', 'enabled')
        .andWhereRaw('LOWER(origin) = ?', [origin.toLocaleLowerCase('en-US')]);
      // PostgreSQL and SQLite take the users as one parameter, which spares
      // them parsing thousands of placeholders on every send.
      if (isPostgres(this.knex)) {
        query.whereRaw('"user" = ANY(?::text[])', [userChunk]);
      } else if (isBetterSqlite(this.knex)) {
        query.whereRaw('user IN (SELECT value FROM json_each(?))', [
          JSON.stringify(userChunk),
        ]);
      } else {
        query.whereIn('user', userChunk);
      }
      const rows = await query;
      for (const row of rows) {
        const list = byUser.get(row.user) ?? [];
        list.push(toStored(row));
        byUser.set(row.user, list);
      }
    }
    return byUser;
  }
}
