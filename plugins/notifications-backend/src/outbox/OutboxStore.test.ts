import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../store/migrations';
import { OutboxStore } from './OutboxStore';

jest.setTimeout(60_000);

type Statement = { sql: string; bindings: readonly Knex.RawBinding[] };

/*
 * SQLite chooses one index per statement. A claim takes a few jobs out of
 * possibly hundreds of thousands pending after a large send; if its update
 * went through the due index it would read every pending job for each claim.
 */
describe('OutboxStore on SQLite', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

  it('updates the jobs it claims by primary key, not by reading every pending job', async () => {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    const store = new OutboxStore(knex);
    const users = Array.from({ length: 200 }, (_, i) => `user:default/u${i}`);
    await store.enqueue(
      {
        recipients: { type: 'entity', entityRef: users },
        payload: { title: 'hi' },
      },
      users.map((user, i) => ({
        notification: {
          id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          user,
          created: new Date('2026-01-01T00:00:00Z'),
          origin: 'plugin:test',
          payload: { title: 'hi', severity: 'normal' },
        },
        processors: ['Test'],
      })),
    );
    const statements: Statement[] = [];
    const record = (statement: Statement) => statements.push(statement);
    knex.on('query', record);
    const jobs = await store.claim(5, 60_000);
    knex.off('query', record);

    expect(jobs).toHaveLength(5);
    const update = statements.find(({ sql }) => /^update/i.test(sql));
    const plan: Array<{ detail: string }> = await knex.raw(
      `EXPLAIN QUERY PLAN ${update!.sql}`,
      update!.bindings,
    );
    const details = plan.map(({ detail }) => detail).join('\n');
    expect(details).toMatch(/notification_outbox USING INDEX \S+ \(id=\?\)/);
    expect(details).not.toContain('notification_outbox_due_idx');
  });
});
