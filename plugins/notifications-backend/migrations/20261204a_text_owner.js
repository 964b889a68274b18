/*
 * A text of `20261203j_search_texts` belongs to one send, and most sends
 * reach one user: a personal notification, or any row an upstream backend
 * writes. The search could not tell such texts apart, so it went from every
 * text holding the term, whoever's it was, to the user's rows. In the inbox
 * bench (1.3 million single-user texts, the term in 1 % of them) that read
 * 13,500 texts spread over as many pages to find the user's 1,031: 305 ms
 * on PostgreSQL, 1.57 times upstream's reading of the user's rows.
 *
 * So a text now names its `owner`, the one user whose rows use it, or none
 * when a send shared it between users, and the search looks through the
 * user's own texts and the shared ones only. On PostgreSQL an index on owner
 * and trigrams together (btree_gin) finds the user's matching texts in one
 * scan, 5 ms against 28 ms for combining an owner index with the trigram
 * index, whose bitmap of 100,000 texts spread over the table is the cost;
 * the combination remains where btree_gin cannot be installed. SQLite reads
 * the user's entries of an owner index against the FTS table's matches.
 * Herald's writer sets the owner; the triggers set it on the texts they
 * make for rows written without one.
 *
 * The backfill rewrites every text. On PostgreSQL the trigram indexes are
 * built again afterwards rather than updated with each row: for 1.3 million
 * texts the migration took 60 s, where the update alone with the indexes in
 * place took 106 s.
 */

const { perDialect } = require('./20261203e_notification_counts.js');
const { extensionSchema } = require('./20261203g_search_index.js');
const {
  sqliteOwnTextTriggers,
  pgOwnTextFunction,
  pgTrigramOps,
  createPgTextIndexes,
  dropPgTextIndexes,
  TEXT_COLUMNS,
  PENDING_LIST_KB,
} = require('./20261203j_search_texts.js');

const TEXT = 'notification_text';
const OWNER_INDEX = 'notification_text_owner_idx';

async function replaceSqliteTriggers(knex, options) {
  for (const trigger of ['insert', 'retitle']) {
    await knex.raw(`DROP TRIGGER ${TEXT}_${trigger}`);
  }
  for (const statement of sqliteOwnTextTriggers(options)) {
    await knex.raw(statement);
  }
}

/** @param {import('knex').Knex} knex */
async function upSqlite(knex) {
  if (!(await knex.schema.hasTable(TEXT))) {
    return;
  }
  await knex.raw(`ALTER TABLE ${TEXT} ADD COLUMN owner varchar(255)`);
  // One range of the (text_id, user) index per text.
  await knex.raw(
    `UPDATE ${TEXT} SET owner = (
       SELECT CASE WHEN min(n."user") = max(n."user") THEN min(n."user") END
       FROM notification n WHERE n.text_id = ${TEXT}.id
     )`,
  );
  await knex.raw(`CREATE INDEX ${OWNER_INDEX} ON ${TEXT} (owner)`);
  await replaceSqliteTriggers(knex, { owner: true });
}

/** @param {import('knex').Knex} knex */
async function downSqlite(knex) {
  if (!(await knex.schema.hasTable(TEXT))) {
    return;
  }
  await replaceSqliteTriggers(knex, { owner: false });
  await knex.raw(`DROP INDEX ${OWNER_INDEX}`);
  await knex.raw(`ALTER TABLE ${TEXT} DROP COLUMN owner`);
}

const pgOwnerIndex = column => `notification_text_owner_${column}_trgm_idx`;

const pgStatistics = column => `notification_text_${column}_stats`;

/** Statistics of an expression without an index on it arrived in PostgreSQL 14. */
async function pgHasExpressionStatistics(knex) {
  const { rows } = await knex.raw(
    `SELECT current_setting('server_version_num')::int >= 140000 AS has`,
  );
  return rows[0].has;
}

/**
 * With btree_gin, one index per column finds a user's texts by owner and
 * trigrams at once, and the trigram indexes keep the shared texts only, so
 * each text is in one index per column as before.
 *
 * PostgreSQL estimates a term's share of the texts from the statistics of
 * `lower(title)` and `lower(description)`, which it keeps for an expression
 * of an index that holds every row, or of a statistics object. With the two
 * indexes partial, it took a term in each of a user's 100,000 texts for 20
 * texts and looked all of them up (1.3 s against 0.2 s reading the rows). So
 * the statistics objects, and before PostgreSQL 14, which has none, the
 * owner's index holds the shared texts too.
 *
 * Without btree_gin, an owner index beside the trigram indexes, for
 * PostgreSQL to combine with them.
 *
 * @param {import('knex').Knex} knex
 */
async function upPostgres(knex) {
  if (!(await knex.schema.hasTable(TEXT))) {
    return;
  }
  const trigramSchema = await pgTrigramOps(knex);
  const btreeSchema = await extensionSchema(knex, 'btree_gin', {
    what: 'no search index by owner and term',
    effect: 'search combines the owner index with the trigram indexes',
  });
  await dropPgTextIndexes(knex);
  await knex.raw(`ALTER TABLE ${TEXT} ADD COLUMN owner text`);
  await knex.raw(
    `UPDATE ${TEXT} t SET owner = single.owner
     FROM (
       SELECT text_id, min("user") AS owner FROM notification
       WHERE text_id IS NOT NULL
       GROUP BY text_id HAVING min("user") = max("user")
     ) single
     WHERE t.id = single.text_id`,
  );
  if (btreeSchema) {
    const statistics = await pgHasExpressionStatistics(knex);
    await createPgTextIndexes(knex, trigramSchema, 'owner IS NULL');
    for (const column of TEXT_COLUMNS) {
      await knex.raw(
        `CREATE INDEX ?? ON ??
         USING gin (owner ??.??, lower(??) ??.??)
         WITH (gin_pending_list_limit = ${PENDING_LIST_KB})
         ${statistics ? 'WHERE owner IS NOT NULL' : ''}`,
        [
          pgOwnerIndex(column),
          TEXT,
          btreeSchema,
          'text_ops',
          column,
          trigramSchema,
          'gin_trgm_ops',
        ],
      );
      if (statistics) {
        await knex.raw('CREATE STATISTICS ?? ON (lower(??)) FROM ??', [
          pgStatistics(column),
          column,
          TEXT,
        ]);
      }
    }
  } else {
    await createPgTextIndexes(knex, trigramSchema);
    await knex.raw(`CREATE INDEX ${OWNER_INDEX} ON ${TEXT} (owner)`);
  }
  await knex.raw(pgOwnTextFunction({ owner: true }));
  // Until the table is analysed PostgreSQL has no statistics of the new
  // indexes' expressions, and takes every term to be in 0.01 % of the texts.
  await knex.raw(`ANALYZE ${TEXT}`);
}

/** @param {import('knex').Knex} knex */
async function downPostgres(knex) {
  if (!(await knex.schema.hasTable(TEXT))) {
    return;
  }
  await knex.raw(pgOwnTextFunction({ owner: false }));
  for (const index of [OWNER_INDEX, ...TEXT_COLUMNS.map(pgOwnerIndex)]) {
    await knex.raw('DROP INDEX IF EXISTS ??', [index]);
  }
  for (const statistics of TEXT_COLUMNS.map(pgStatistics)) {
    await knex.raw('DROP STATISTICS IF EXISTS ??', [statistics]);
  }
  await dropPgTextIndexes(knex);
  await knex.raw(`ALTER TABLE ${TEXT} DROP COLUMN owner`);
  await createPgTextIndexes(knex, await pgTrigramOps(knex));
}

exports.up = perDialect({ sqlite: upSqlite, pg: upPostgres });

exports.down = perDialect({ sqlite: downSqlite, pg: downPostgres });
