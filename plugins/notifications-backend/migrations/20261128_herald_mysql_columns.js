/*
 * MySQL and MariaDB only. Their plain TIMESTAMP keeps whole seconds, which
 * made notifications created within the same second unorderable and dates
 * differ from what a send returned; TEXT holds 64 KB, less than the 100 kB a
 * request body may carry, so a long description failed with a 500.
 * PostgreSQL and SQLite already keep milliseconds and long text.
 */

function isMysql(knex) {
  return String(knex.client.config.client).includes('mysql');
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (!isMysql(knex)) {
    return;
  }
  await knex.raw(
    `ALTER TABLE notification
       MODIFY created TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
       MODIFY updated TIMESTAMP(3) NULL,
       MODIFY \`read\` TIMESTAMP(3) NULL,
       MODIFY saved TIMESTAMP(3) NULL,
       MODIFY description MEDIUMTEXT NULL,
       MODIFY link MEDIUMTEXT NULL,
       MODIFY metadata MEDIUMTEXT NULL`,
  );
  await knex.raw(
    `ALTER TABLE broadcast
       MODIFY created TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
       MODIFY updated TIMESTAMP(3) NULL,
       MODIFY description MEDIUMTEXT NULL,
       MODIFY link MEDIUMTEXT NULL,
       MODIFY metadata MEDIUMTEXT NULL`,
  );
  await knex.raw(
    `ALTER TABLE broadcast_user_status
       MODIFY \`read\` TIMESTAMP(3) NULL,
       MODIFY saved TIMESTAMP(3) NULL`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (!isMysql(knex)) {
    return;
  }
  await knex.raw(
    `ALTER TABLE broadcast_user_status
       MODIFY \`read\` TIMESTAMP NULL,
       MODIFY saved TIMESTAMP NULL`,
  );
  await knex.raw(
    `ALTER TABLE broadcast
       MODIFY created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
       MODIFY updated TIMESTAMP NULL,
       MODIFY description TEXT NULL,
       MODIFY link TEXT NULL,
       MODIFY metadata TEXT NULL`,
  );
  await knex.raw(
    `ALTER TABLE notification
       MODIFY created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
       MODIFY updated TIMESTAMP NULL,
       MODIFY \`read\` TIMESTAMP NULL,
       MODIFY saved TIMESTAMP NULL,
       MODIFY description TEXT NULL,
       MODIFY link TEXT NULL,
       MODIFY metadata TEXT NULL`,
  );
};
