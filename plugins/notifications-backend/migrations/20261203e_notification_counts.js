/*
 * Per-user counts of the `notification` table (all rows, unread rows), kept
 * by triggers, so an inbox's `totalCount` and `/status` read one row instead
 * of counting every row of the user. Triggers rather than the store's own
 * bookkeeping: rows written by anything else (upstream-era tooling, a script
 * with plain SQL, retention) move the counts too, in the same transaction.
 *
 * SQLite counts row by row; PostgreSQL once per statement from its
 * transition tables, so a send's bulk insert updates each user's count once.
 * MySQL/MariaDB get no counts (creating triggers there may need privileges
 * the plugin's user lacks under binary logging), and keep counting rows.
 */

const COUNTS = 'notification_user_count';

function dialect(knex) {
  const client = String(knex.client.config.client);
  if (client === 'pg' || client === 'postgres' || client === 'postgresql') {
    return 'pg';
  }
  if (client.includes('sqlite')) {
    return 'sqlite';
  }
  return undefined;
}

const SQLITE_TRIGGERS = [
  `CREATE TRIGGER notification_count_insert AFTER INSERT ON notification
   WHEN NEW."user" IS NOT NULL
   BEGIN
     INSERT INTO ${COUNTS} ("user", total, unread)
       VALUES (NEW."user", 1, NEW."read" IS NULL)
       ON CONFLICT ("user") DO UPDATE
       SET total = total + 1, unread = unread + excluded.unread;
   END`,
  `CREATE TRIGGER notification_count_delete AFTER DELETE ON notification
   WHEN OLD."user" IS NOT NULL
   BEGIN
     UPDATE ${COUNTS}
       SET total = total - 1, unread = unread - (OLD."read" IS NULL)
       WHERE "user" = OLD."user";
   END`,
  `CREATE TRIGGER notification_count_update AFTER UPDATE OF "user", "read" ON notification
   WHEN OLD."user" IS NOT NEW."user" OR (OLD."read" IS NULL) <> (NEW."read" IS NULL)
   BEGIN
     UPDATE ${COUNTS}
       SET total = total - 1, unread = unread - (OLD."read" IS NULL)
       WHERE "user" = OLD."user";
     INSERT INTO ${COUNTS} ("user", total, unread)
       SELECT NEW."user", 1, NEW."read" IS NULL WHERE NEW."user" IS NOT NULL
       ON CONFLICT ("user") DO UPDATE
       SET total = total + 1, unread = unread + excluded.unread;
   END`,
];

/*
 * Changes per user, added to the counts in user order, so two statements
 * updating the same users lock their count rows in the same order.
 */
const pgApply = changes => `
  INSERT INTO ${COUNTS} ("user", total, unread)
    SELECT "user", sum(total), sum(unread) FROM (${changes}) AS changes
    WHERE "user" IS NOT NULL
    GROUP BY "user"
    HAVING sum(total) <> 0 OR sum(unread) <> 0
    ORDER BY "user"
  ON CONFLICT ("user") DO UPDATE
    SET total = ${COUNTS}.total + excluded.total,
        unread = ${COUNTS}.unread + excluded.unread;`;
const added = table =>
  `SELECT "user", 1 AS total, CASE WHEN "read" IS NULL THEN 1 ELSE 0 END AS unread FROM ${table}`;
const removed = table =>
  `SELECT "user", -1 AS total, CASE WHEN "read" IS NULL THEN -1 ELSE 0 END AS unread FROM ${table}`;

const PG_FUNCTIONS = {
  notification_count_insert: pgApply(added('new_rows')),
  notification_count_delete: pgApply(removed('old_rows')),
  notification_count_update: pgApply(
    `${added('new_rows')} UNION ALL ${removed('old_rows')}`,
  ),
  notification_count_truncate: `DELETE FROM ${COUNTS};`,
};

const PG_TRIGGERS = [
  `CREATE TRIGGER notification_count_insert AFTER INSERT ON notification
   REFERENCING NEW TABLE AS new_rows
   FOR EACH STATEMENT EXECUTE FUNCTION notification_count_insert()`,
  `CREATE TRIGGER notification_count_delete AFTER DELETE ON notification
   REFERENCING OLD TABLE AS old_rows
   FOR EACH STATEMENT EXECUTE FUNCTION notification_count_delete()`,
  `CREATE TRIGGER notification_count_update AFTER UPDATE ON notification
   REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
   FOR EACH STATEMENT EXECUTE FUNCTION notification_count_update()`,
  `CREATE TRIGGER notification_count_truncate AFTER TRUNCATE ON notification
   FOR EACH STATEMENT EXECUTE FUNCTION notification_count_truncate()`,
];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  const kind = dialect(knex);
  if (!kind) {
    return;
  }
  await knex.schema.createTable(COUNTS, table => {
    table.string('user', 255).primary();
    table.bigInteger('total').notNullable();
    table.bigInteger('unread').notNullable();
  });
  // Rows already there, from upstream or an earlier Herald, are counted once.
  await knex.raw(
    `INSERT INTO ${COUNTS} ("user", total, unread)
     SELECT "user", count(*), count(*) - count("read") FROM notification
     WHERE "user" IS NOT NULL GROUP BY "user"`,
  );
  if (kind === 'sqlite') {
    for (const trigger of SQLITE_TRIGGERS) {
      await knex.raw(trigger);
    }
    return;
  }
  for (const [name, body] of Object.entries(PG_FUNCTIONS)) {
    await knex.raw(
      `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN ${body} RETURN NULL; END $$`,
    );
  }
  for (const trigger of PG_TRIGGERS) {
    await knex.raw(trigger);
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  const kind = dialect(knex);
  if (!kind) {
    return;
  }
  for (const name of Object.keys(PG_FUNCTIONS)) {
    await knex.raw(
      `DROP TRIGGER IF EXISTS ${name}${
        kind === 'pg' ? ' ON notification' : ''
      }`,
    );
  }
  if (kind === 'pg') {
    for (const name of Object.keys(PG_FUNCTIONS)) {
      await knex.raw(`DROP FUNCTION IF EXISTS ${name}()`);
    }
  }
  await knex.schema.dropTableIfExists(COUNTS);
};

/**
 * A migration step that runs the function for the database's dialect, and
 * nothing on the others.
 *
 * @param {{ sqlite?: (knex: import('knex').Knex) => Promise<void>, pg?: (knex: import('knex').Knex) => Promise<void> }} steps
 */
function perDialect(steps) {
  return async knex => {
    const step = steps[dialect(knex)];
    if (step) {
      await step(knex);
    }
  };
}

/** For later migrations that extend these counts on the same databases. */
exports.dialect = dialect;
exports.perDialect = perDialect;
