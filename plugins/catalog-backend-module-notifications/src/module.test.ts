import { TestDatabases } from '@backstage/backend-test-utils';
import { CATALOG_ERRORS_TOPIC as PUBLISHED_TOPIC } from '@backstage/plugin-catalog-backend';
import { muteTopic, waitFor } from '@herald/notifications-test-utils';
import { CATALOG_ERRORS_TOPIC } from './ProcessingOutcomes';
import {
  Server,
  component,
  createCatalogFile,
  events,
  group,
  hasEntities,
  inbox,
  startCatalog,
  user,
} from './__testUtils__/catalogTestBackend';

jest.setTimeout(180_000);

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const CAROL = 'user:default/carol';

const ORG = [
  group('team-a'),
  group('platform', 'team-a'),
  user('alice', ['team-a']),
  user('bob', ['platform']),
  user('carol'),
];

/** Waits for the inboxes, then a while longer for anything sent twice. */
async function settledEvents(
  server: Server,
  expected: Record<string, string[]>,
) {
  await waitFor(
    'the notifications',
    async () => {
      for (const [who, list] of Object.entries(expected)) {
        if ((await inbox(server, who)).length < list.length) {
          return undefined;
        }
      }
      return true;
    },
    { timeoutMs: 60_000 },
  );
  await new Promise(resolve => setTimeout(resolve, 4000));
  const actual: Record<string, string[]> = {};
  for (const who of Object.keys(expected)) {
    actual[who] = await events(server, who);
  }
  return actual;
}

const discovered = (name: string) =>
  `catalog-entity-discovered component:default/${name}`;
const failing = (name: string) =>
  `catalog-entity-processing-failed component:default/${name}`;
const recovered = (name: string) =>
  `catalog-entity-processing-recovered component:default/${name}`;

describe('catalog notifications', () => {
  it('listens on the topic the catalog publishes errors on', () => {
    expect(CATALOG_ERRORS_TOPIC).toBe(PUBLISHED_TOPIC);
  });

  it('tells each owner once of a discovery, a failure and a recovery, and nothing on a muted topic', async () => {
    const catalogFile = await createCatalogFile();
    await catalogFile.write(ORG);
    const backend = await startCatalog({ file: catalogFile.file });
    const { server } = backend;
    try {
      await waitFor('the org in the catalog', () =>
        hasEntities(server, [ALICE, BOB, CAROL, 'group:default/platform']),
      );
      await muteTopic(server, CAROL, {
        origin: 'plugin:catalog',
        topic: 'catalog-entity-discovered',
      });

      await catalogFile.write([
        ...ORG,
        component('svc-1', 'team-a'),
        component('svc-2', 'user:carol'),
      ]);
      expect(
        await settledEvents(server, { [ALICE]: [''], [BOB]: [''] }),
      ).toEqual({
        [ALICE]: [discovered('svc-1')],
        [BOB]: [discovered('svc-1')],
      });
      expect(await events(server, CAROL)).toEqual([]);
      const [first] = await inbox(server, ALICE);
      expect(first).toMatchObject({
        origin: 'plugin:catalog',
        payload: {
          title: 'Component svc-1 is new in the catalog',
          link: '/catalog/default/component/svc-1',
          severity: 'normal',
        },
      });

      await catalogFile.write([
        ...ORG,
        component('svc-1', 'team-a', true),
        component('svc-2', 'user:carol', true),
      ]);
      // Failing runs repeat every second; the owners hear of it once.
      expect(
        await settledEvents(server, {
          [ALICE]: ['', ''],
          [BOB]: ['', ''],
          [CAROL]: [''],
        }),
      ).toEqual({
        [ALICE]: [discovered('svc-1'), failing('svc-1')],
        [BOB]: [discovered('svc-1'), failing('svc-1')],
        [CAROL]: [failing('svc-2')],
      });
      const [failure] = await inbox(server, CAROL);
      expect(failure.payload).toMatchObject({
        title: 'Component svc-2 fails to process',
        severity: 'high',
        description: expect.stringContaining('lifecycle'),
      });

      await catalogFile.write([
        ...ORG,
        component('svc-1', 'team-a'),
        component('svc-2', 'user:carol'),
      ]);
      expect(
        await settledEvents(server, {
          [ALICE]: ['', '', ''],
          [BOB]: ['', '', ''],
          [CAROL]: ['', ''],
        }),
      ).toEqual({
        [ALICE]: [discovered('svc-1'), failing('svc-1'), recovered('svc-1')],
        [BOB]: [discovered('svc-1'), failing('svc-1'), recovered('svc-1')],
        // Her muted discovery of svc-2 was not stored, but it happened.
        [CAROL]: [failing('svc-2'), recovered('svc-2')],
      });
    } finally {
      await backend.stop();
      await catalogFile.remove();
    }
  });
});

describe('catalog notifications on two replicas', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'sends each discovery, failure and recovery once, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { connection } = knex.client.config as any;
      const catalogFile = await createCatalogFile();
      const names = ['svc-1', 'svc-2', 'svc-3', 'svc-4'];
      const components = (broken: boolean) =>
        names.map(name => component(name, 'team-a', broken));
      await catalogFile.write([...ORG, ...components(false)]);
      // Both replicas keep each plugin's data in a database named after this
      // test's one, as replicas sharing one PostgreSQL server do.
      const replica = () =>
        startCatalog({
          file: catalogFile.file,
          config: {
            backend: {
              database: {
                client: 'pg',
                connection,
                prefix: `${connection.database}_`,
              },
            },
          },
        });
      const replicas = [await replica(), await replica()];
      const [{ server }] = replicas;
      try {
        await settledEvents(server, { [ALICE]: names.map(() => '') });
        await catalogFile.write([...ORG, ...components(true)]);
        await settledEvents(server, { [ALICE]: [...names, ...names] });
        await catalogFile.write([...ORG, ...components(false)]);
        const expected = [
          ...names.map(discovered),
          ...names.map(failing),
          ...names.map(recovered),
        ].sort();
        const actual = await settledEvents(server, {
          [ALICE]: expected,
          [BOB]: expected,
        });
        expect(actual[ALICE].sort()).toEqual(expected);
        expect(actual[BOB].sort()).toEqual(expected);
        expect((await events(replicas[1].server, BOB)).sort()).toEqual(
          expected,
        );
      } finally {
        await Promise.all(replicas.map(r => r.stop()));
        await catalogFile.remove();
      }
    },
  );
});
