import { mockServices } from '@backstage/backend-test-utils';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogRecipientResolver } from './CatalogRecipientResolver';
import { componentEntity, groupEntity, userEntity } from './testUtils';

function setup(entities: Entity[]) {
  const catalog = catalogServiceMock({ entities });
  const fetch = catalog.getEntitiesByRefs.bind(catalog);
  // A traversal that never ends would starve the event loop before the test
  // timeout could fire, so a runaway resolver fails here instead.
  const getEntitiesByRefs = jest
    .spyOn(catalog, 'getEntitiesByRefs')
    .mockImplementation(async (...args) => {
      if (getEntitiesByRefs.mock.calls.length > 20) {
        throw new Error('The catalog was asked more than 20 times');
      }
      return fetch(...args);
    });
  const resolver = new CatalogRecipientResolver(catalog, mockServices.auth());
  const reasons = async (entityRefs: string[], excludedEntityRefs?: string[]) =>
    (
      await resolver.resolveNotificationRecipients({
        entityRefs,
        excludedEntityRefs,
      })
    ).reasons;
  const resolve = async (entityRefs: string[], excludedEntityRefs?: string[]) =>
    (
      await resolver.resolveNotificationRecipients({
        entityRefs,
        excludedEntityRefs,
      })
    ).userEntityRefs.sort();
  return { resolve, reasons, getEntitiesByRefs };
}

describe('CatalogRecipientResolver', () => {
  it('uses user refs directly, without the catalog', async () => {
    const { resolve, getEntitiesByRefs } = setup([]);
    await expect(
      resolve(['user:default/ghost', 'user:default/ghost']),
    ).resolves.toEqual(['user:default/ghost']);
    expect(getEntitiesByRefs).not.toHaveBeenCalled();
  });

  it('expands nested groups breadth first, one catalog call per level', async () => {
    const { resolve, getEntitiesByRefs } = setup([
      groupEntity('root', ['alice'], { children: ['mid-a', 'mid-b'] }),
      groupEntity('mid-a', ['bob'], { children: ['leaf'] }),
      groupEntity('mid-b', ['carol', 'alice']),
      groupEntity('leaf', ['dave']),
    ]);
    await expect(resolve(['group:default/root'])).resolves.toEqual([
      'user:default/alice',
      'user:default/bob',
      'user:default/carol',
      'user:default/dave',
    ]);
    expect(getEntitiesByRefs).toHaveBeenCalledTimes(3);
    expect(getEntitiesByRefs.mock.calls[1][0].entityRefs.sort()).toEqual([
      'group:default/mid-a',
      'group:default/mid-b',
    ]);
    expect(getEntitiesByRefs.mock.calls[0][0].fields).toEqual(
      expect.arrayContaining(['kind', 'relations']),
    );
  });

  it('terminates on cyclic group hierarchies', async () => {
    const { resolve, getEntitiesByRefs } = setup([
      groupEntity('a', ['alice'], { children: ['b'] }),
      groupEntity('b', ['bob'], { children: ['a'] }),
    ]);
    await expect(resolve(['group:default/a'])).resolves.toEqual([
      'user:default/alice',
      'user:default/bob',
    ]);
    expect(getEntitiesByRefs).toHaveBeenCalledTimes(2);
  });

  it('resolves a component to its first owner, expanding an owning group', async () => {
    const { resolve } = setup([
      componentEntity('web', ['group:default/team', 'user:default/zed']),
      componentEntity('api', ['user:default/yan']),
      groupEntity('team', ['alice', 'bob']),
    ]);
    await expect(resolve(['component:default/web'])).resolves.toEqual([
      'user:default/alice',
      'user:default/bob',
    ]);
    await expect(resolve(['component:default/api'])).resolves.toEqual([
      'user:default/yan',
    ]);
  });

  it('honours exclusions of users and groups', async () => {
    const { resolve } = setup([
      groupEntity('root', ['alice', 'bob'], { children: ['sub'] }),
      groupEntity('sub', ['carol', 'alice']),
      groupEntity('other', ['erin']),
    ]);
    await expect(
      resolve(['group:default/root'], ['user:default/bob']),
    ).resolves.toEqual(['user:default/alice', 'user:default/carol']);
    await expect(
      resolve(['group:default/root'], ['group:default/sub']),
    ).resolves.toEqual(['user:default/alice', 'user:default/bob']);
    await expect(
      resolve(['group:default/other', 'user:default/me'], ['user:default/me']),
    ).resolves.toEqual(['user:default/erin']);
  });

  it('never fetches an excluded ref and does not expand an excluded entity', async () => {
    const { resolve, getEntitiesByRefs } = setup([
      groupEntity('root', ['alice'], { children: ['sub'] }),
      groupEntity('sub', ['carol']),
      groupEntity('team', ['bob']),
      componentEntity('web', ['group:default/team']),
    ]);
    await expect(
      resolve(['group:default/root'], ['group:default/sub']),
    ).resolves.toEqual(['user:default/alice']);
    const fetched = getEntitiesByRefs.mock.calls.flatMap(
      ([request]) => request.entityRefs,
    );
    expect(fetched).toEqual(['group:default/root']);

    await expect(
      resolve(['component:default/web'], ['component:default/web']),
    ).resolves.toEqual([]);
  });

  it('skips an entity whose full ref is excluded even when it was asked for by another spelling', async () => {
    // The real catalog matches refs case-insensitively and fills in the
    // default namespace, which the catalog mock does not.
    const team = groupEntity('team', ['bob']);
    const catalog = catalogServiceMock.mock({
      async getEntitiesByRefs({ entityRefs }) {
        return {
          items: entityRefs.map(ref =>
            stringifyEntityRef(parseEntityRef(ref)).toLocaleLowerCase(
              'en-US',
            ) === stringifyEntityRef(team)
              ? team
              : undefined,
          ),
        };
      },
    });
    const resolver = new CatalogRecipientResolver(catalog, mockServices.auth());
    const resolve = (entityRefs: string[], excludedEntityRefs: string[]) =>
      resolver.resolveNotificationRecipients({
        entityRefs,
        excludedEntityRefs,
      });

    await expect(
      resolve(['Group:team'], ['group:default/team']),
    ).resolves.toEqual({ userEntityRefs: [], reasons: {} });
    await expect(resolve(['Group:team'], [])).resolves.toEqual({
      userEntityRefs: ['user:default/bob'],
      reasons: {
        'user:default/bob': [{ type: 'group', entityRef: 'Group:team' }],
      },
    });
  });

  it('skips unknown entities and keeps only users', async () => {
    const { resolve } = setup([
      userEntity('known'),
      componentEntity('orphan', []),
    ]);
    await expect(
      resolve([
        'group:default/missing',
        'component:default/orphan',
        'user:default/known',
        'component:default/nowhere',
      ]),
    ).resolves.toEqual(['user:default/known']);
  });

  it('rejects refs without a kind', async () => {
    const { resolve } = setup([]);
    await expect(resolve(['jdoe'])).rejects.toThrow();
  });

  it('expands a group of 5,000 users with one catalog call', async () => {
    const members = Array.from({ length: 5000 }, (_, i) => `u${i}`);
    const { resolve, getEntitiesByRefs } = setup([
      groupEntity('everyone', members),
    ]);
    const users = await resolve(['group:default/everyone']);
    expect(users).toHaveLength(5000);
    expect(new Set(users).size).toBe(5000);
    expect(getEntitiesByRefs).toHaveBeenCalledTimes(1);
  });

  describe('reasons', () => {
    it('says how each user was reached: directly, through a group and its children, as owner', async () => {
      const { reasons } = setup([
        groupEntity('team', ['alice'], { children: ['sub'] }),
        groupEntity('sub', ['bob']),
        groupEntity('owners', ['carol', 'alice']),
        componentEntity('api', ['group:default/owners']),
        componentEntity('cli', ['user:default/dave']),
      ]);
      await expect(
        reasons([
          'user:default/alice',
          'group:default/team',
          'component:default/api',
          'component:default/cli',
        ]),
      ).resolves.toEqual({
        'user:default/alice': [
          { type: 'direct' },
          { type: 'group', entityRef: 'group:default/team' },
          {
            type: 'owner',
            entityRef: 'component:default/api',
            via: 'group:default/owners',
          },
        ],
        'user:default/bob': [
          { type: 'group', entityRef: 'group:default/team' },
        ],
        'user:default/carol': [
          {
            type: 'owner',
            entityRef: 'component:default/api',
            via: 'group:default/owners',
          },
        ],
        'user:default/dave': [
          { type: 'owner', entityRef: 'component:default/cli' },
        ],
      });
    });

    it('shares each reason, frozen, among the users it reaches', async () => {
      const { reasons } = setup([
        groupEntity('team', ['alice', 'bob', 'carol']),
      ]);
      const found = await reasons([
        'group:default/team',
        'user:default/carol',
        'user:default/dave',
      ]);
      const team = { type: 'group', entityRef: 'group:default/team' };
      expect(found).toEqual({
        'user:default/alice': [team],
        'user:default/bob': [team],
        'user:default/carol': [team, { type: 'direct' }],
        'user:default/dave': [{ type: 'direct' }],
      });
      // One list for every user reached for the team alone, one reason object
      // wherever the team is a reason.
      expect(found['user:default/bob']).toBe(found['user:default/alice']);
      expect(found['user:default/carol'][0]).toBe(
        found['user:default/alice'][0],
      );
      expect(Object.isFrozen(found['user:default/alice'])).toBe(true);
      expect(Object.isFrozen(found['user:default/dave'][0])).toBe(true);
      expect(() => found['user:default/alice'].push(team as any)).toThrow(
        TypeError,
      );
    });

    it('gives every ref that led to an entity its reason, though the entity is fetched once', async () => {
      const { reasons, getEntitiesByRefs } = setup([
        groupEntity('parent', [], { children: ['shared'] }),
        groupEntity('shared', ['erin']),
      ]);
      await expect(
        reasons(['group:default/parent', 'group:default/shared']),
      ).resolves.toEqual({
        'user:default/erin': [
          { type: 'group', entityRef: 'group:default/parent' },
          { type: 'group', entityRef: 'group:default/shared' },
        ],
      });
      expect(getEntitiesByRefs).toHaveBeenCalledTimes(1);
    });

    it('reports nothing for excluded users and through excluded groups', async () => {
      const { reasons } = setup([
        groupEntity('root', ['alice', 'bob'], { children: ['sub'] }),
        groupEntity('sub', ['carol']),
      ]);
      await expect(
        reasons(
          ['group:default/root'],
          ['user:default/bob', 'group:default/sub'],
        ),
      ).resolves.toEqual({
        'user:default/alice': [
          { type: 'group', entityRef: 'group:default/root' },
        ],
      });
    });
  });
});
