/*
 * The inbox search index of `20261203g_search_index` took one entry per
 * notification row, so a send to 55 users indexed its title and description
 * 55 times. The index was most of what a send cost: on SQLite 4 of the 5 ms a
 * 55-row send spent in the database, on PostgreSQL 1.65 of the 2.9 kB of
 * write-ahead log per row, which under sustained sends drove checkpoints back
 * to back.
 *
 * Here a row's title and description are indexed once per send instead. The
 * texts move to `notification_text` (id, title, description), which carries
 * the search index in place of `notification`; `notification.text_id` names
 * a row's text, and an index on (`text_id`, `user`) leads from matching texts
 * to one user's rows. The title and description stay on `notification` as
 * well: everything else, upstream's code included, reads them there.
 *
 * Herald writes one text per distinct title and description of a send and
 * sets `text_id` itself. A row inserted or retitled without one (by an
 * upstream backend sharing the database, or by hand) gets a text of its own
 * from a trigger, so the search finds it as before. When the last row of a
 * text goes, or moves to another text, a trigger deletes the text. On
 * PostgreSQL two transactions that remove a text's last two rows at the same
 * time each still see the other's row, and the text stays behind: it costs
 * its space and matches no row.
 *
 * Only where `20261203g_search_index` made an index for `notification`
 * (SQLite with FTS5's trigram tokenizer, PostgreSQL with pg_trgm); elsewhere
 * the search keeps reading the rows. `broadcast` keeps its index: a broadcast
 * is one row.
 */

const { perDialect } = require('./20261203e_notification_counts.js');
const searchIndex = require('./20261203g_search_index.js');

const TEXT = 'notification_text';
const TEXT_SEARCH = 'notification_text_search';
const ROW_INDEX = 'notification_text_id_user_idx';
const COLUMNS = ['title', 'description'];
const PENDING_LIST_KB = 256;
const SQLITE_NEW_ID = 'lower(hex(randomblob(16)))';
// Random and unique; gen_random_uuid() needs PostgreSQL 13.
const PG_NEW_ID = 'md5(random()::text || clock_timestamp()::text)::uuid';
const pgOldIndex = column => `notification_${column}_trgm_idx`;
const pgTextIndex = column => `notification_text_${column}_trgm_idx`;

/** Gives every row a text: one per distinct title and description. */
async function backfill(knex, newId) {
  await knex.raw(
    `INSERT INTO ${TEXT} (id, title, description)
     SELECT ${newId}, title, description
     FROM (SELECT DISTINCT title, description FROM notification) AS texts`,
  );
}

/**
 * SQLite's triggers that give a row inserted or retitled without a text one
 * of its own; with `owner`, the text names the row's user as its owner (see
 * `20261204a_text_owner`).
 */
function sqliteOwnTextTriggers({ owner = false } = {}) {
  // Inside a trigger last_insert_rowid() is the row the trigger inserted.
  const giveOwnText = `
    INSERT INTO ${TEXT} (id, title, description${owner ? ', owner' : ''})
    VALUES (${SQLITE_NEW_ID}, NEW.title, NEW.description${
    owner ? ', NEW."user"' : ''
  });
    UPDATE notification SET text_id = (
      SELECT id FROM ${TEXT} WHERE rowid = last_insert_rowid()
    ) WHERE rowid = NEW.rowid;`;
  return [
    `CREATE TRIGGER ${TEXT}_insert AFTER INSERT ON notification
     WHEN NEW.text_id IS NULL
     BEGIN ${giveOwnText} END`,
    `CREATE TRIGGER ${TEXT}_retitle AFTER UPDATE OF title, description ON notification
     WHEN (OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description)
       AND NEW.text_id IS OLD.text_id
     BEGIN ${giveOwnText} END`,
  ];
}

/**
 * PostgreSQL's function behind the triggers that give a row inserted or
 * retitled without a text one of its own; with `owner`, as in SQLite's.
 */
function pgOwnTextFunction({ owner = false } = {}) {
  return `CREATE OR REPLACE FUNCTION ${TEXT}_own() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       NEW.text_id := ${PG_NEW_ID};
       INSERT INTO ${TEXT} (id, title, description${owner ? ', owner' : ''})
       VALUES (NEW.text_id, NEW.title, NEW.description${
         owner ? ', NEW."user"' : ''
       });
       RETURN NEW;
     END $$`;
}

/** The FTS table of the texts. */
async function createSqliteTextSearchTable(knex) {
  // Contentless, as the index it replaces was.
  await knex.raw(
    `CREATE VIRTUAL TABLE ${TEXT_SEARCH} USING fts5(
       title, description,
       content = '', contentless_delete = 1,
       tokenize = 'trigram case_sensitive 0'
     )`,
  );
}

/** The triggers that keep the FTS table, keyed by each text's rowid. */
async function createSqliteTextSearchTriggers(knex) {
  await knex.raw(
    `CREATE TRIGGER ${TEXT_SEARCH}_insert AFTER INSERT ON ${TEXT}
     BEGIN
       INSERT INTO ${TEXT_SEARCH} (rowid, title, description)
       VALUES (NEW.rowid, NEW.title, NEW.description);
     END`,
  );
  await knex.raw(
    `CREATE TRIGGER ${TEXT_SEARCH}_delete AFTER DELETE ON ${TEXT}
     BEGIN DELETE FROM ${TEXT_SEARCH} WHERE rowid = OLD.rowid; END`,
  );
}

/** @param {import('knex').Knex} knex */
async function upSqlite(knex) {
  if (!(await knex.schema.hasTable('notification_search'))) {
    return;
  }
  await knex.raw(
    `CREATE TABLE ${TEXT} (
       id varchar(36) PRIMARY KEY NOT NULL,
       title text NOT NULL,
       description text NULL
     )`,
  );
  await createSqliteTextSearchTable(knex);
  await createSqliteTextSearchTriggers(knex);
  // Not through knex's alterTable, which rebuilds the table and with it
  // drops every trigger on it.
  await knex.raw('ALTER TABLE notification ADD COLUMN text_id varchar(36)');
  await backfill(knex, SQLITE_NEW_ID);
  // Without it each row's lookup reads every text: minutes for 200,000 rows.
  await knex.raw(
    `CREATE INDEX ${TEXT}_backfill ON ${TEXT} (title, description)`,
  );
  await knex.raw(
    `UPDATE notification SET text_id = (
       SELECT t.id FROM ${TEXT} t
       WHERE t.title = notification.title
         AND t.description IS notification.description
     )`,
  );
  await knex.raw(`DROP INDEX ${TEXT}_backfill`);
  await knex.raw(`CREATE INDEX ${ROW_INDEX} ON notification (text_id, "user")`);
  for (const trigger of ['insert', 'update', 'delete']) {
    await knex.raw(`DROP TRIGGER notification_search_${trigger}`);
  }
  await knex.raw('DROP TABLE notification_search');

  for (const statement of sqliteOwnTextTriggers()) {
    await knex.raw(statement);
  }
  const dropUnused = `
    DELETE FROM ${TEXT} WHERE id = OLD.text_id
      AND NOT EXISTS (SELECT 1 FROM notification WHERE text_id = OLD.text_id);`;
  await knex.raw(
    `CREATE TRIGGER ${TEXT}_release AFTER UPDATE OF text_id ON notification
     WHEN OLD.text_id IS NOT NULL AND OLD.text_id IS NOT NEW.text_id
     BEGIN ${dropUnused} END`,
  );
  await knex.raw(
    `CREATE TRIGGER ${TEXT}_delete AFTER DELETE ON notification
     WHEN OLD.text_id IS NOT NULL
     BEGIN ${dropUnused} END`,
  );
}

/** @param {import('knex').Knex} knex */
async function downSqlite(knex) {
  if (!(await knex.schema.hasTable(TEXT))) {
    return;
  }
  for (const trigger of ['insert', 'retitle', 'release', 'delete']) {
    await knex.raw(`DROP TRIGGER ${TEXT}_${trigger}`);
  }
  await knex.raw(`DROP INDEX ${ROW_INDEX}`);
  await knex.raw('ALTER TABLE notification DROP COLUMN text_id');
  await knex.raw(`DROP TABLE ${TEXT_SEARCH}`);
  await knex.raw(`DROP TABLE ${TEXT}`);
  await searchIndex.createSqliteIndex(knex, 'notification');
}

/** The schema of the trigram operator class the old indexes use. */
const pgTrigramOps = knex =>
  searchIndex.installedExtensionSchema(knex, 'pg_trgm');

async function pgHasIndex(knex, name) {
  const { rows } = await knex.raw(
    `SELECT 1 FROM pg_indexes
     WHERE indexname = ? AND schemaname = current_schema()`,
    [name],
  );
  return rows.length > 0;
}

/**
 * The trigram indexes of the texts, with pg_trgm's operator classes in
 * `schema`; of the texts matching `where` only, when given.
 */
async function createPgTextIndexes(knex, schema, where) {
  for (const column of COLUMNS) {
    await knex.raw(
      `CREATE INDEX ?? ON ?? USING gin (lower(??) ??.??)
       WITH (gin_pending_list_limit = ${PENDING_LIST_KB})
       ${where ? `WHERE ${where}` : ''}`,
      [pgTextIndex(column), TEXT, column, schema, 'gin_trgm_ops'],
    );
  }
}

async function dropPgTextIndexes(knex) {
  for (const column of COLUMNS) {
    await knex.raw('DROP INDEX ??', [pgTextIndex(column)]);
  }
}

/** @param {import('knex').Knex} knex */
async function upPostgres(knex) {
  if (!(await pgHasIndex(knex, pgOldIndex('title')))) {
    return;
  }
  const schema = await pgTrigramOps(knex);
  await knex.raw(
    `CREATE TABLE ${TEXT} (
       id uuid PRIMARY KEY,
       title text NOT NULL,
       description text NULL
     )`,
  );
  await knex.raw('ALTER TABLE notification ADD COLUMN text_id uuid');
  await backfill(knex, PG_NEW_ID);
  await knex.raw(
    `UPDATE notification n SET text_id = t.id FROM ${TEXT} t
     WHERE t.title = n.title
       AND t.description IS NOT DISTINCT FROM n.description`,
  );
  await knex.raw(`CREATE INDEX ${ROW_INDEX} ON notification (text_id, "user")`);
  for (const column of COLUMNS) {
    await knex.raw('DROP INDEX ??', [pgOldIndex(column)]);
  }
  await createPgTextIndexes(knex, schema);

  await knex.raw(pgOwnTextFunction());
  await knex.raw(
    `CREATE FUNCTION ${TEXT}_release() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       DELETE FROM ${TEXT} t WHERE t.id = OLD.text_id
         AND NOT EXISTS (SELECT 1 FROM notification n WHERE n.text_id = OLD.text_id);
       RETURN NULL;
     END $$`,
  );
  await knex.raw(
    `CREATE TRIGGER ${TEXT}_insert BEFORE INSERT ON notification
     FOR EACH ROW WHEN (NEW.text_id IS NULL)
     EXECUTE FUNCTION ${TEXT}_own()`,
  );
  await knex.raw(
    `CREATE TRIGGER ${TEXT}_retitle BEFORE UPDATE OF title, description ON notification
     FOR EACH ROW WHEN (
       (OLD.title, OLD.description) IS DISTINCT FROM (NEW.title, NEW.description)
       AND NEW.text_id IS NOT DISTINCT FROM OLD.text_id
     )
     EXECUTE FUNCTION ${TEXT}_own()`,
  );
  await knex.raw(
    // Without a column list: one only fires for columns the UPDATE sets, and
    // the retitle trigger sets text_id itself.
    `CREATE TRIGGER ${TEXT}_release AFTER UPDATE ON notification
     FOR EACH ROW WHEN (OLD.text_id IS NOT NULL AND OLD.text_id IS DISTINCT FROM NEW.text_id)
     EXECUTE FUNCTION ${TEXT}_release()`,
  );
  await knex.raw(
    `CREATE TRIGGER ${TEXT}_delete AFTER DELETE ON notification
     FOR EACH ROW WHEN (OLD.text_id IS NOT NULL)
     EXECUTE FUNCTION ${TEXT}_release()`,
  );
}

/** @param {import('knex').Knex} knex */
async function downPostgres(knex) {
  if (!(await knex.schema.hasTable(TEXT))) {
    return;
  }
  const schema = await pgTrigramOps(knex);
  for (const trigger of ['insert', 'retitle', 'release', 'delete']) {
    await knex.raw(`DROP TRIGGER ${TEXT}_${trigger} ON notification`);
  }
  await knex.raw(`DROP FUNCTION ${TEXT}_own()`);
  await knex.raw(`DROP FUNCTION ${TEXT}_release()`);
  await knex.raw(`DROP INDEX ${ROW_INDEX}`);
  await knex.raw('ALTER TABLE notification DROP COLUMN text_id');
  await knex.raw(`DROP TABLE ${TEXT}`);
  for (const column of COLUMNS) {
    await knex.raw(
      `CREATE INDEX ?? ON notification USING gin (lower(??) ??.??)
       WITH (gin_pending_list_limit = ${PENDING_LIST_KB})`,
      [pgOldIndex(column), column, schema, 'gin_trgm_ops'],
    );
  }
}

exports.up = perDialect({ sqlite: upSqlite, pg: upPostgres });

exports.down = perDialect({ sqlite: downSqlite, pg: downPostgres });

exports.sqliteOwnTextTriggers = sqliteOwnTextTriggers;
exports.createSqliteTextSearchTable = createSqliteTextSearchTable;
exports.createSqliteTextSearchTriggers = createSqliteTextSearchTriggers;
exports.pgOwnTextFunction = pgOwnTextFunction;
exports.pgTrigramOps = pgTrigramOps;
exports.createPgTextIndexes = createPgTextIndexes;
exports.dropPgTextIndexes = dropPgTextIndexes;
exports.TEXT_COLUMNS = COLUMNS;
exports.PENDING_LIST_KB = PENDING_LIST_KB;
