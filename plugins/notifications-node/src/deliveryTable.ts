import { Knex } from 'knex';

/**
 * Creates a channel module's delivery table, for its migrations: the
 * primary key `delivery_key` (a 64-character hash, which keeps the unique
 * index small on every database), what `columns` adds (the module's own
 * columns, and indexes on any of the table's columns), with `leased`
 * the columns {@link DeliveryLeases} works on (see
 * {@link LeasedDeliveryRow}), and `created_at` in epoch milliseconds,
 * indexed as `<name>_created_idx` for the daily cleanup.
 *
 * Shipped migrations call it, so the schema it builds for a given call must
 * never change; new columns belong in a module's own later migration.
 *
 * @public
 */
export async function createDeliveryTable(
  knex: Knex,
  name: string,
  options: {
    columns: (table: Knex.CreateTableBuilder) => void;
    leased?: boolean;
  },
): Promise<void> {
  await knex.schema.createTable(name, table => {
    table.string('delivery_key', 64).primary();
    options.columns(table);
    if (options.leased) {
      table.string('status', 16).notNullable();
      table.integer('attempts').notNullable();
      table.bigInteger('not_before').notNullable();
      table.bigInteger('lease_until').notNullable();
      table.string('lease_token', 36).nullable();
      table.integer('last_status').nullable();
      table.text('last_error').nullable();
    }
    table.bigInteger('created_at').notNullable();
    if (options.leased) {
      table.bigInteger('updated_at').notNullable();
    }
    table.index(['created_at'], `${name}_created_idx`);
  });
}
