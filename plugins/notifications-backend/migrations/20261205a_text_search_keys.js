/*
 * On SQLite, the FTS table of `20261203j_search_texts` is keyed by the
 * texts' rowids, in the order texts were written, so the matches of a term
 * are every user's. A search had to look up each match for its owner (see
 * `20261204a_text_owner`), or read all of the user's texts in the owner
 * index: in the inbox bench (1.2 million texts, "quasar" in 12,381 of them,
 * 1,031 the user's) 11 to 15 ms either way, and the second way grows with
 * the inbox (26.5 ms for 300,000 texts).
 *
 * Here each text gets a `search_key` that groups the texts by owner, and
 * the FTS table is keyed by it: the owner's number (from
 * `notification_text_owner`, 0 for texts a send shared between users) times
 * 2^32, plus the text's place among that owner's texts. FTS5 narrows a match
 * to a range of keys before reading its doclists, so a search asks for the
 * user's range and the shared range and gets only texts the user may see:
 * 1.7 ms for the same search, whatever the other users hold.
 *
 * The owner index of `20261204a_text_owner` goes: nothing reads it now.
 *
 * A trigger gives a new text its key (the next in its owner's range) and its
 * entry in the FTS table, whoever writes the text; another moves a text
 * whose owner changes. Rolling back keys the FTS table by rowid again.
 *
 * The backfill rebuilds the FTS table: 31 s for 1.2 million texts.
 * SQLite only; PostgreSQL finds a user's texts by owner and trigrams in one
 * index (`20261204a_text_owner`).
 */

const { perDialect } = require('./20261203e_notification_counts.js');
const {
  createSqliteTextSearchTable,
  createSqliteTextSearchTriggers,
} = require('./20261203j_search_texts.js');

const TEXT = 'notification_text';
const TEXT_SEARCH = 'notification_text_search';
const OWNERS = 'notification_text_owner';
const KEY_INDEX = 'notification_text_search_key_idx';
/** `20261204a_text_owner`'s index, which the search no longer reads. */
const OWNER_INDEX = 'notification_text_owner_idx';
/** Keys per owner; the key of an owner's first text is its number times this. */
const KEYS_PER_OWNER = 2 ** 32;

async function dropSearchTable(knex) {
  for (const trigger of ['insert', 'owner', 'delete']) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${TEXT_SEARCH}_${trigger}`);
  }
  await knex.raw(`DROP TABLE ${TEXT_SEARCH}`);
}

/** A new FTS table with every text, keyed by `key`. */
async function rebuildSearchTable(knex, key) {
  await dropSearchTable(knex);
  await createSqliteTextSearchTable(knex);
  await knex.raw(
    `INSERT INTO ${TEXT_SEARCH} (rowid, title, description)
     SELECT ${key}, title, description FROM ${TEXT}`,
  );
}

/** The number of `owner`'s range of keys, 0 for a shared text. */
const ownerNumber = owner =>
  `coalesce((SELECT number FROM ${OWNERS} WHERE owner = ${owner}), 0)`;

const rangeStart = `${ownerNumber('NEW.owner')} * ${KEYS_PER_OWNER}`;

/**
 * A trigger's statements that give the text `NEW` the next key of its
 * owner's range, numbering the owner first if it is new, and its entry in
 * the FTS table. Not INSERT OR IGNORE for the owner: the conflict clause of
 * the statement that fires a trigger overrides the trigger's own.
 */
const keyAndIndexNewText = `
  INSERT INTO ${OWNERS} (owner)
    SELECT NEW.owner WHERE NEW.owner IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM ${OWNERS} WHERE owner = NEW.owner);
  UPDATE ${TEXT} SET search_key = coalesce(
    (SELECT max(search_key) FROM ${TEXT}
     WHERE search_key BETWEEN ${rangeStart}
       AND ${rangeStart} + ${KEYS_PER_OWNER - 1}),
    ${rangeStart}
  ) + 1
  WHERE rowid = NEW.rowid;
  INSERT INTO ${TEXT_SEARCH} (rowid, title, description)
    SELECT search_key, title, description FROM ${TEXT}
    WHERE rowid = NEW.rowid;`;

/** @param {import('knex').Knex} knex */
async function upSqlite(knex) {
  if (!(await knex.schema.hasTable(TEXT))) {
    return;
  }
  await knex.raw(
    `CREATE TABLE ${OWNERS} (
       number INTEGER PRIMARY KEY,
       owner varchar(255) NOT NULL UNIQUE
     )`,
  );
  await knex.raw(`ALTER TABLE ${TEXT} ADD COLUMN search_key INTEGER`);
  await knex.raw(
    `INSERT INTO ${OWNERS} (owner)
     SELECT DISTINCT owner FROM ${TEXT} WHERE owner IS NOT NULL ORDER BY owner`,
  );
  await knex.raw(
    `UPDATE ${TEXT} SET search_key = keyed.search_key
     FROM (
       SELECT t.rowid AS text_rowid,
         coalesce(o.number, 0) * ${KEYS_PER_OWNER}
           + row_number() OVER (PARTITION BY t.owner ORDER BY t.rowid)
           AS search_key
       FROM ${TEXT} t LEFT JOIN ${OWNERS} o ON o.owner = t.owner
     ) AS keyed
     WHERE ${TEXT}.rowid = keyed.text_rowid`,
  );
  await knex.raw(`CREATE UNIQUE INDEX ${KEY_INDEX} ON ${TEXT} (search_key)`);
  await knex.raw(`DROP INDEX IF EXISTS ${OWNER_INDEX}`);

  await rebuildSearchTable(knex, 'search_key');
  await knex.raw(
    `CREATE TRIGGER ${TEXT_SEARCH}_insert AFTER INSERT ON ${TEXT}
     BEGIN ${keyAndIndexNewText} END`,
  );
  // Nothing Herald runs changes an owner; a text whose owner is changed by
  // hand moves to its new owner's range all the same.
  await knex.raw(
    `CREATE TRIGGER ${TEXT_SEARCH}_owner AFTER UPDATE OF owner ON ${TEXT}
     WHEN OLD.owner IS NOT NEW.owner
     BEGIN
       DELETE FROM ${TEXT_SEARCH} WHERE rowid = OLD.search_key;
       ${keyAndIndexNewText}
     END`,
  );
  await knex.raw(
    `CREATE TRIGGER ${TEXT_SEARCH}_delete AFTER DELETE ON ${TEXT}
     BEGIN DELETE FROM ${TEXT_SEARCH} WHERE rowid = OLD.search_key; END`,
  );
}

/** @param {import('knex').Knex} knex */
async function downSqlite(knex) {
  if (!(await knex.schema.hasTable(OWNERS))) {
    return;
  }
  await rebuildSearchTable(knex, 'rowid');
  await createSqliteTextSearchTriggers(knex);
  await knex.raw(`DROP INDEX ${KEY_INDEX}`);
  await knex.raw(`CREATE INDEX ${OWNER_INDEX} ON ${TEXT} (owner)`);
  await knex.raw(`ALTER TABLE ${TEXT} DROP COLUMN search_key`);
  await knex.raw(`DROP TABLE ${OWNERS}`);
}

exports.up = perDialect({ sqlite: upSqlite });

exports.down = perDialect({ sqlite: downSqlite });

exports.KEYS_PER_OWNER = KEYS_PER_OWNER;
