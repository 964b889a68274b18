import { CacheService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonValue } from '@backstage/types';
import { EmailRecipientLookup } from './recipients';
import { makeNotification, mailUser } from './__testUtils__/startEmailModule';

/** Keeps values in a map and remembers the TTL each was written with. */
function recordingCache() {
  const values = new Map<string, { value: JsonValue; ttl?: number }>();
  const cache = {
    async get(key: string) {
      return values.get(key)?.value;
    },
    async set(key: string, value: JsonValue, options?: { ttl?: number }) {
      values.set(key, { value, ttl: options?.ttl as number | undefined });
    },
    async delete(key: string) {
      values.delete(key);
    },
    withOptions() {
      return cache;
    },
  } as unknown as CacheService;
  return { cache, values };
}

const entities = [
  mailUser('alice', 'alice@example.com'),
  mailUser('alias', 'ALICE@example.com'),
  mailUser('nomail'),
];

/** A lookup on a catalog of `entities`, with spies on its catalog calls. */
function lookupWith(
  broadcast: ConstructorParameters<typeof EmailRecipientLookup>[0]['broadcast'],
  cache: CacheService = recordingCache().cache,
) {
  const catalog = catalogServiceMock({ entities });
  const lookup = new EmailRecipientLookup({
    catalog,
    auth: mockServices.auth(),
    cache,
    cacheTtlMs: 5000,
    broadcast,
  });
  return {
    lookup,
    getEntities: jest.spyOn(catalog, 'getEntities'),
    getEntitiesByRefs: jest.spyOn(catalog, 'getEntitiesByRefs'),
  };
}

describe('EmailRecipientLookup', () => {
  it('looks a user up once per TTL, caching an empty answer too', async () => {
    const { cache, values } = recordingCache();
    const { lookup, getEntitiesByRefs } = lookupWith(
      { receiver: 'none' },
      cache,
    );
    const alice = makeNotification({}, { user: 'user:default/alice' });
    const nomail = makeNotification({}, { user: 'user:default/nomail' });

    expect(await lookup.addressesFor(alice)).toEqual(['alice@example.com']);
    expect(await lookup.addressesFor(alice)).toEqual(['alice@example.com']);
    expect(await lookup.addressesFor(nomail)).toEqual([]);
    expect(await lookup.addressesFor(nomail)).toEqual([]);
    expect(getEntitiesByRefs).toHaveBeenCalledTimes(2);
    expect([...values.values()].map(v => v.ttl)).toEqual([5000, 5000]);
  });

  it('asks for the users of deliveries made side by side in one request', async () => {
    const { lookup, getEntitiesByRefs } = lookupWith({ receiver: 'none' });
    const users = ['alice', 'nomail', 'alice', 'unknown', 'alias'].map(
      name => `user:default/${name}`,
    );
    const addresses = await Promise.all(
      [...users, 'not a reference'].map(user =>
        lookup.addressesFor(makeNotification({}, { user })),
      ),
    );
    expect(addresses).toEqual([
      ['alice@example.com'],
      [],
      ['alice@example.com'],
      [],
      ['ALICE@example.com'],
      [],
    ]);
    expect(getEntitiesByRefs).toHaveBeenCalledTimes(1);
    expect(getEntitiesByRefs.mock.calls[0][0].entityRefs).toEqual([
      'user:default/alice',
      'user:default/nomail',
      'user:default/unknown',
      'user:default/alias',
    ]);
  });

  it('emails every catalog user with an address once for a users broadcast', async () => {
    const { lookup, getEntities } = lookupWith({ receiver: 'users' });
    const broadcast = makeNotification({}, { user: null });
    expect(await lookup.addressesFor(broadcast)).toEqual(['alice@example.com']);
    expect(await lookup.addressesFor(broadcast)).toEqual(['alice@example.com']);
    expect(getEntities).toHaveBeenCalledTimes(1);
  });

  it.each([
    [{ receiver: 'none' as const }, []],
    [
      { receiver: 'config' as const, receiverEmails: ['team@example.com'] },
      ['team@example.com'],
    ],
  ])(
    'sends a broadcast for %j to the configured receivers without asking the catalog',
    async (broadcast, expected) => {
      const { lookup, getEntities } = lookupWith(broadcast);
      expect(
        await lookup.addressesFor(makeNotification({}, { user: null })),
      ).toEqual(expected);
      expect(getEntities).not.toHaveBeenCalled();
    },
  );

  it('sends a user notification to that user only, whatever the broadcast receiver', async () => {
    const { lookup } = lookupWith({
      receiver: 'config',
      receiverEmails: ['team@example.com'],
    });
    expect(
      await lookup.addressesFor(
        makeNotification({}, { user: 'user:default/alice' }),
      ),
    ).toEqual(['alice@example.com']);
  });

  it('fails when the catalog fails, so that the deliveries are retried', async () => {
    const lookup = new EmailRecipientLookup({
      catalog: catalogServiceMock.mock({
        getEntitiesByRefs: async () => {
          throw new Error('catalog unavailable');
        },
      }),
      auth: mockServices.auth(),
      cache: recordingCache().cache,
      cacheTtlMs: 5000,
      broadcast: { receiver: 'none' },
    });
    const both = [
      makeNotification({}, { user: 'user:default/alice' }),
      makeNotification({}, { user: 'user:default/nomail' }),
    ].map(notification => lookup.addressesFor(notification));
    expect(await Promise.allSettled(both)).toEqual([
      { status: 'rejected', reason: new Error('catalog unavailable') },
      { status: 'rejected', reason: new Error('catalog unavailable') },
    ]);
  });
});
