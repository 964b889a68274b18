import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { knex as createKnex, Knex } from 'knex';
import request from 'supertest';
import {
  UPSTREAM_MIGRATIONS,
  revertToUpstream,
} from '../../bin/back-to-upstream';
import { ALICE, BOB, asService } from '../__testUtils__/fixtures';
import {
  describeEachDatabase,
  describeOnPostgres,
  startNotificationsBackend,
} from '../__testUtils__/notificationsTestBackend';

jest.setTimeout(120_000);

const upstreamMigrations = resolvePackagePath(
  '@backstage/plugin-notifications-backend',
  'migrations',
);
const heraldMigrations = resolvePackagePath(
  '@herald/plugin-notifications-backend',
  'migrations',
);
const script = resolvePackagePath(
  '@herald/plugin-notifications-backend',
  'bin/back-to-upstream.js',
);

/** Tables of the upstream schema, which the way back must keep. */
const UPSTREAM_TABLES = [
  'notification',
  'broadcast',
  'broadcast_user_status',
  'user_settings',
];

/** Migrates with Herald, sends through Herald's API, then stops it. */
async function useHerald(knex: Knex) {
  const { backend, server } = await startNotificationsBackend({ knex });
  try {
    const sent = await request(server)
      .post('/api/notifications/notifications')
      .set('Authorization', asService())
      .set('Idempotency-Key', 'first-send')
      .send({
        recipients: { type: 'entity', entityRef: [ALICE, BOB] },
        payload: { title: 'Kept', severity: 'high', topic: 'deploys' },
      });
    expect(sent.status).toBe(200);
    const broadcast = await request(server)
      .post('/api/notifications/notifications')
      .set('Authorization', asService())
      .send({
        recipients: { type: 'broadcast' },
        payload: { title: 'Kept broadcast' },
      });
    expect(broadcast.status).toBe(200);
    const aliceId = sent.body.find((n: any) => n.user === ALICE).id;
    const read = await request(server)
      .post('/api/notifications/notifications/update')
      .set('Authorization', mockCredentials.user.header(ALICE))
      .send({ ids: [aliceId, broadcast.body[0].id], read: true });
    expect(read.status).toBe(200);
    const settings = await request(server)
      .post('/api/notifications/settings')
      .set('Authorization', mockCredentials.user.header(ALICE))
      .send({
        channels: [
          {
            id: 'Web',
            origins: [{ id: 'plugin:scaffolder', enabled: false, topics: [] }],
          },
        ],
      });
    expect(settings.status).toBe(200);
  } finally {
    await backend.stop();
  }
}

/** What upstream's tables hold, in an order independent of the database. */
async function upstreamRows(knex: Knex) {
  const notifications = await knex('notification')
    .select('id', 'user', 'title', 'severity', 'topic', 'origin')
    .select(knex.raw('?? is not null as is_read', ['read']))
    .orderBy('user');
  const broadcasts = await knex('broadcast').select('id', 'title');
  const receipts = await knex('broadcast_user_status').select(
    'broadcast_id',
    'user',
  );
  const settings = await knex('user_settings').select(
    'user',
    'channel',
    'origin',
    'enabled',
  );
  return {
    notifications: notifications.map(n => ({ ...n, is_read: !!n.is_read })),
    broadcasts,
    receipts,
    settings: settings.map(s => ({ ...s, enabled: !!s.enabled })),
  };
}

async function appliedMigrations(knex: Knex): Promise<string[]> {
  return knex('knex_migrations').orderBy('id').pluck('name');
}

/** Runs the command as an operator would, with node. */
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, [script, ...args]);

describeEachDatabase('going back to upstream', database => {
  it('reverts every Herald migration and lets upstream migrate again, keeping the notifications', async () => {
    const knex = await database.init();
    await useHerald(knex);
    const before = await upstreamRows(knex);
    expect(before.notifications).toHaveLength(2);
    expect(before.notifications[0]).toMatchObject({
      user: ALICE,
      title: 'Kept',
      is_read: true,
    });
    expect(before.broadcasts).toHaveLength(1);
    expect(before.receipts).toHaveLength(1);
    expect(before.settings).toHaveLength(1);

    // The problem: upstream refuses a database Herald migrated.
    await expect(
      knex.migrate.latest({ directory: upstreamMigrations }),
    ).rejects.toThrow(/corrupt/);

    const heraldOnly = (await readdir(heraldMigrations))
      .filter(name => name.endsWith('.js'))
      .filter(name => !UPSTREAM_MIGRATIONS.includes(name))
      .sort()
      .reverse();
    expect(heraldOnly.length).toBeGreaterThan(0);
    const tablesBefore = await Promise.all(
      ['notification_outbox', 'notification_idempotency_key'].map(table =>
        knex.schema.hasTable(table),
      ),
    );
    expect(tablesBefore).toEqual([true, true]);

    expect(await revertToUpstream(knex, { dryRun: true })).toEqual(heraldOnly);
    expect(await appliedMigrations(knex)).toHaveLength(
      UPSTREAM_MIGRATIONS.length + heraldOnly.length,
    );

    const lines: string[] = [];
    expect(
      await revertToUpstream(knex, { log: line => lines.push(line) }),
    ).toEqual(heraldOnly);
    expect(lines).toEqual(heraldOnly.map(name => `Reverting ${name}`));
    expect(await appliedMigrations(knex)).toEqual(UPSTREAM_MIGRATIONS);
    for (const table of [
      'notification_outbox',
      'notification_outbox_send',
      'notification_idempotency_key',
    ]) {
      expect(await knex.schema.hasTable(table)).toBe(false);
    }

    await knex.migrate.latest({ directory: upstreamMigrations });
    expect(await appliedMigrations(knex)).toEqual(UPSTREAM_MIGRATIONS);
    for (const table of UPSTREAM_TABLES) {
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
    expect(await upstreamRows(knex)).toEqual(before);

    // Running it again finds nothing, and Herald can come back later.
    expect(await revertToUpstream(knex)).toEqual([]);
    await knex.migrate.latest({ directory: heraldMigrations });
    expect(await upstreamRows(knex)).toEqual(before);
  });
});

describe('the back-to-upstream command', () => {
  it('reverts a SQLite database file and prints what it did', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'back-to-upstream-'));
    const filename = join(dir, 'notifications.sqlite');
    const knex = createKnex({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
    });
    try {
      await useHerald(knex);
      await knex.destroy();

      const dryRun = await run([
        '--client',
        'better-sqlite3',
        '--connection',
        filename,
        '--dry-run',
      ]);
      expect(dryRun.stdout).toMatch(/Would revert 20261203b_/);

      const { stdout } = await run([
        '--client',
        'better-sqlite3',
        '--connection',
        filename,
      ]);
      expect(stdout).toMatch(/^Reverting 20261203b_idempotency_keys\.js$/m);
      expect(stdout).toMatch(/Reverted \d+ migration\(s\)/);

      const reopened = createKnex({
        client: 'better-sqlite3',
        connection: { filename },
        useNullAsDefault: true,
      });
      try {
        await reopened.migrate.latest({ directory: upstreamMigrations });
        expect(await appliedMigrations(reopened)).toEqual(UPSTREAM_MIGRATIONS);
        expect(await reopened('notification').count({ n: '*' })).toEqual([
          { n: 2 },
        ]);
      } finally {
        await reopened.destroy();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints its usage without a connection', async () => {
    await expect(run(['--client', 'pg'])).rejects.toMatchObject({
      code: 2,
      stdout: expect.stringMatching(
        /^Usage: herald-notifications-back-to-upstream/,
      ),
    });
  });
});

describeOnPostgres('the back-to-upstream command on PostgreSQL', init => {
  it('reverts the schema of a backend using pluginDivisionMode schema', async () => {
    const database = await init();
    const connection = database.client.config
      .connection as Knex.PgConnectionConfig;
    const url = `postgresql://${encodeURIComponent(String(connection.user))}${
      connection.password
        ? `:${encodeURIComponent(String(connection.password))}`
        : ''
    }@${connection.host}:${connection.port}/${connection.database}`;
    await database.raw('CREATE SCHEMA notifications');
    const inSchema = createKnex({
      client: 'pg',
      connection: url,
      searchPath: ['notifications'],
    });
    try {
      await useHerald(inSchema);
      const { stdout } = await run([
        '--client',
        'pg',
        '--connection',
        url,
        '--schema',
        'notifications',
      ]);
      expect(stdout).toMatch(/Reverted \d+ migration\(s\)/);
      await inSchema.migrate.latest({ directory: upstreamMigrations });
      expect(await appliedMigrations(inSchema)).toEqual(UPSTREAM_MIGRATIONS);
      expect(
        await database('notifications.notification').count({ n: '*' }),
      ).toEqual([{ n: '2' }]);
    } finally {
      await inSchema.destroy();
    }
  });
});
