/*
 * An index for the inbox search, a case-insensitive substring of title or
 * description (`LOWER(title) LIKE LOWER('%term%')`). No B-tree serves a
 * substring, so every search read all of the user's rows.
 *
 * - SQLite: per searched table an FTS5 table `<table>_search` with the
 *   trigram tokenizer, keyed by the row's rowid and kept by triggers. It is
 *   contentless, so titles and descriptions are not stored twice, and
 *   `contentless_delete` lets the triggers remove an entry by rowid alone.
 *   A build without FTS5, its trigram tokenizer or `contentless_delete`
 *   (SQLite 3.43) gets nothing and the search keeps reading rows.
 * - PostgreSQL: GIN trigram indexes (`pg_trgm`) on `lower(title)` and
 *   `lower(description)`, the very expressions the search compares, when
 *   the extension is installed or this user may install it. Otherwise
 *   nothing, and the search keeps reading rows.
 * - MySQL/MariaDB: nothing; their full-text indexes match words, not
 *   substrings.
 *
 * The triggers go when a table is rebuilt (as knex's `alterTable` does on
 * SQLite for some changes), so a later migration that rebuilds `notification`
 * or `broadcast` there must create them again and refill the index.
 */

const { dialect, perDialect } = require('./20261203e_notification_counts.js');

const TABLES = ['notification', 'broadcast'];
const COLUMNS = ['title', 'description'];
const TRIGGERS = ['insert', 'update', 'delete'];

const searchTable = table => `${table}_search`;
const pgIndex = (table, column) => `${table}_${column}_trgm_idx`;

function sqliteStatements(table) {
  const search = searchTable(table);
  const add = row =>
    `INSERT INTO ${search} (rowid, title, description)
     VALUES (${row}.rowid, ${row}.title, ${row}.description);`;
  const remove = row => `DELETE FROM ${search} WHERE rowid = ${row}.rowid;`;
  return [
    `INSERT INTO ${search} (rowid, title, description)
     SELECT rowid, title, description FROM ${table}`,
    `CREATE TRIGGER ${search}_insert AFTER INSERT ON ${table}
     BEGIN ${add('NEW')} END`,
    `CREATE TRIGGER ${search}_delete AFTER DELETE ON ${table}
     BEGIN ${remove('OLD')} END`,
    `CREATE TRIGGER ${search}_update AFTER UPDATE OF title, description ON ${table}
     WHEN OLD.title IS NOT NEW.title OR OLD.description IS NOT NEW.description
     BEGIN ${remove('OLD')} ${add('NEW')} END`,
  ];
}

/**
 * Creates the search table of `table` and fills it; false where this SQLite
 * cannot create one.
 *
 * @param {import('knex').Knex} knex
 */
async function createSqliteIndex(knex, table) {
  try {
    await knex.raw(
      `CREATE VIRTUAL TABLE ${searchTable(table)} USING fts5(
         title, description,
         content = '', contentless_delete = 1,
         tokenize = 'trigram case_sensitive 0'
       )`,
    );
  } catch (error) {
    // A failed statement leaves SQLite's transaction usable.
    knex.client.logger.warn(
      `notifications: no search index, this SQLite cannot create one (${error.message}); search reads the rows`,
    );
    return false;
  }
  for (const statement of sqliteStatements(table)) {
    await knex.raw(statement);
  }
  return true;
}

/** @param {import('knex').Knex} knex */
async function upSqlite(knex) {
  for (const table of TABLES) {
    if (!(await createSqliteIndex(knex, table))) {
      return;
    }
  }
}

/**
 * The schema an extension is installed in, or undefined.
 *
 * @param {import('knex').Knex} knex
 */
async function installedExtensionSchema(knex, name) {
  const { rows } = await knex.raw(
    `SELECT n.nspname AS schema FROM pg_extension e
     JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = ?`,
    [name],
  );
  return rows[0]?.schema;
}

/**
 * The schema holding an extension's operator classes, installing the
 * extension if need be, or undefined when it is neither installed nor
 * installable; then a warning says what the database goes `without`.
 *
 * @param {import('knex').Knex} knex
 * @param {string} name
 * @param {{ what: string, effect: string }} without
 */
async function extensionSchema(knex, name, without) {
  const schema = await installedExtensionSchema(knex, name);
  if (schema) {
    return schema;
  }
  const warn = reason =>
    knex.client.logger.warn(
      `notifications: ${without.what}, ${reason}; ${without.effect}`,
    );
  const available = await knex.raw(
    `SELECT 1 FROM pg_available_extensions WHERE name = ?`,
    [name],
  );
  if (available.rows.length === 0) {
    warn(`the PostgreSQL server lacks the ${name} extension`);
    return undefined;
  }
  try {
    // Inside a savepoint: on PostgreSQL a failed statement would abort the
    // migration's transaction, and lacking the privilege is a normal case.
    await knex.transaction(trx =>
      trx.raw('CREATE EXTENSION IF NOT EXISTS ??', [name]),
    );
  } catch (error) {
    warn(`${name} could not be installed (${error.message})`);
    return undefined;
  }
  return installedExtensionSchema(knex, name);
}

const trigramSchema = knex =>
  extensionSchema(knex, 'pg_trgm', {
    what: 'no search index',
    effect: 'search reads the rows',
  });

/** @param {import('knex').Knex} knex */
async function upPostgres(knex) {
  const schema = await trigramSchema(knex);
  if (!schema) {
    return;
  }
  for (const table of TABLES) {
    for (const column of COLUMNS) {
      // Qualified: the extension may live outside the plugin's search path.
      await knex.raw(`CREATE INDEX ?? ON ?? USING gin (lower(??) ??.??)`, [
        pgIndex(table, column),
        table,
        column,
        schema,
        'gin_trgm_ops',
      ]);
    }
  }
}

exports.up = perDialect({ sqlite: upSqlite, pg: upPostgres });

/**
 * Drops what `up` created, if it did. On PostgreSQL pg_trgm stays: it may
 * have been there before, other objects may use it, and it does not hinder
 * upstream.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  const kind = dialect(knex);
  for (const table of TABLES) {
    if (kind === 'sqlite') {
      for (const trigger of TRIGGERS) {
        await knex.raw(
          `DROP TRIGGER IF EXISTS ${searchTable(table)}_${trigger}`,
        );
      }
      await knex.raw(`DROP TABLE IF EXISTS ${searchTable(table)}`);
    } else if (kind === 'pg') {
      for (const column of COLUMNS) {
        await knex.raw('DROP INDEX IF EXISTS ??', [pgIndex(table, column)]);
      }
    }
  }
};

exports.createSqliteIndex = createSqliteIndex;
exports.extensionSchema = extensionSchema;
exports.installedExtensionSchema = installedExtensionSchema;
