import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { EntityStateStore } from './EntityStateStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

/** A second pool on the same database, as a second replica has. */
function secondPool(knex: Knex, databaseId: string): Knex {
  return databaseId === 'SQLITE_3'
    ? knex
    : knexFactory({ ...knex.client.config, pool: { min: 0, max: 2 } });
}

describe('EntityStateStore', () => {
  it.each(databases.eachSupportedId())(
    'lets exactly one of two replicas see each change, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const other = secondPool(knex, databaseId);
      try {
        const a = await EntityStateStore.create(
          mockServices.database({ knex }),
        );
        const b = await EntityStateStore.create(
          mockServices.database({ knex: other }),
        );
        const inCatalog = jest.fn(async (refs: string[]) =>
          refs.filter(ref => ref.endsWith('/Old')),
        );
        const refs = ['component:default/Old', 'component:default/new-1'];
        await Promise.all([
          a.ensure(refs, inCatalog),
          b.ensure(refs, inCatalog),
        ]);
        const both = async (
          change: (store: EntityStateStore) => Promise<any>,
        ) => (await Promise.all([change(a), change(b)])).filter(Boolean);

        // An entity the catalog held before is no discovery.
        expect(await both(s => s.succeeded('component:default/old'))).toEqual(
          [],
        );
        expect(await both(s => s.succeeded('component:default/New-1'))).toEqual(
          ['discovered'],
        );
        expect(await both(s => s.succeeded('component:default/new-1'))).toEqual(
          [],
        );
        expect(await both(s => s.failed('component:default/new-1'))).toEqual([
          'processingFailed',
        ]);
        expect(await both(s => s.failed('component:default/new-1'))).toEqual(
          [],
        );
        expect(await both(s => s.succeeded('component:default/new-1'))).toEqual(
          ['processingRecovered'],
        );

        // Failing before ever succeeding: the first success is the discovery.
        await a.ensure(['component:default/new-2'], inCatalog);
        expect(await both(s => s.failed('component:default/new-2'))).toEqual([
          'processingFailed',
        ]);
        expect(await both(s => s.succeeded('component:default/new-2'))).toEqual(
          ['discovered'],
        );

        // Known refs cost no lookups.
        inCatalog.mockClear();
        await a.ensure(refs, inCatalog);
        expect(a.isKnown('component:default/old')).toBe(true);
        expect(inCatalog).not.toHaveBeenCalled();
      } finally {
        if (other !== knex) {
          await other.destroy();
        }
      }
    },
  );
});
