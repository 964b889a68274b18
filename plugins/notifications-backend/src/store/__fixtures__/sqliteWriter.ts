/* A writer for the crash test: commits transactions of `batch` rows through
 * the worker connection until it is killed, reporting each commit. */
import knexFactory from 'knex';
import { connectToDatabase } from '../migrations';
import { insertRows } from '../sql';

async function main() {
  const [filename, batch] = process.argv.slice(2);
  const knex = await connectToDatabase({
    getClient: async () =>
      knexFactory({
        client: 'better-sqlite3',
        connection: { filename },
        useNullAsDefault: true,
      }),
    migrations: { skip: true },
  });
  await knex.schema.createTable('written', table => {
    table.integer('transaction');
    table.text('text');
  });
  for (let transaction = 1; ; transaction++) {
    await knex.transaction(tx =>
      insertRows(
        tx,
        'written',
        [
          { name: 'transaction', pgType: 'integer' },
          { name: 'text', pgType: 'text' },
        ],
        Array.from({ length: Number(batch) }, () => [
          transaction,
          'x'.repeat(200),
        ]),
      ),
    );
    process.send!(transaction);
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
