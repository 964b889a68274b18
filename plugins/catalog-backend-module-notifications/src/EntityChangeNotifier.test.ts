import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { groupEntity } from '@herald/notifications-test-utils';
import {
  CatalogRecipientResolver,
  NotificationSendOptions,
} from '@herald/plugin-notifications-node';
import { readCatalogNotificationsConfig } from './config';
import { EntityChangeNotifier } from './EntityChangeNotifier';
import { EntityStateStore } from './EntityStateStore';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner },
});

async function setup(config: object = {}) {
  const knex = await databases.init('SQLITE_3');
  const store = await EntityStateStore.create(mockServices.database({ knex }));
  const catalog = catalogServiceMock({
    entities: [
      groupEntity('team-a', ['alice'], { children: ['platform'] }),
      groupEntity('platform', ['bob']),
      component('legacy', 'team-a'),
    ],
  });
  const lookups = jest.spyOn(catalog, 'getEntitiesByRefs');
  const sent: NotificationSendOptions[] = [];
  const notifier = new EntityChangeNotifier({
    store,
    alreadyInCatalog: async () => [],
    catalogEntities: async (entityRefs: string[]) =>
      (await catalog.getEntitiesByRefs({ entityRefs })).items.flatMap(e =>
        e ? [e] : [],
      ),
    resolver: new CatalogRecipientResolver(catalog, mockServices.auth()),
    notifications: { send: async options => void sent.push(options) },
    config: readCatalogNotificationsConfig(
      mockServices.rootConfig({ data: { catalog: { notifications: config } } }),
    ),
    logger: mockServices.logger.mock(),
  });
  return { store, notifier, lookups, sent };
}

describe('EntityChangeNotifier', () => {
  it('expands an owner once per batch, however many of its entities changed', async () => {
    const { store, notifier, lookups, sent } = await setup();
    const entities = Array.from({ length: 40 }, (_, i) =>
      component(`svc-${i}`, 'team-a'),
    );
    const refs = entities.map(e => `component:default/${e.metadata.name}`);
    await store.ensure(refs, async () => []);

    await notifier.handle({
      succeeded: entities.map((entity, i) => ({ ref: refs[i], entity })),
      failed: [],
    });

    // team-a, then its child group: one lookup per level for all 40.
    expect(lookups).toHaveBeenCalledTimes(2);
    expect(sent).toHaveLength(40);
    expect(sent[0]).toEqual({
      recipients: {
        type: 'entity',
        entityRef: expect.arrayContaining([
          'user:default/alice',
          'user:default/bob',
        ]),
      },
      payload: {
        title: 'Component svc-0 is new in the catalog',
        description: 'component:default/svc-0',
        link: '/catalog/default/component/svc-0',
        severity: 'normal',
        topic: 'catalog-entity-discovered',
        scope: 'catalog-discovered:component:default/svc-0',
      },
    });
  });

  it('leaves out a change turned off in config, and uses configured topics', async () => {
    const { store, notifier, sent } = await setup({
      discovered: { enabled: false },
      processingFailed: { topic: 'broken-things' },
    });
    const entity = component('svc', 'user:default/carol');
    const ref = 'component:default/svc';
    await store.ensure([ref], async () => []);
    await notifier.handle({ succeeded: [{ ref, entity }], failed: [] });
    await notifier.handle({
      succeeded: [],
      failed: [{ ref, entity, errors: ['one', 'two', 'three', 'four'] }],
    });
    expect(sent.map(s => s.payload)).toEqual([
      expect.objectContaining({
        topic: 'broken-things',
        description: 'one\ntwo\nthree\nand 1 more',
        severity: 'high',
      }),
    ]);
    expect(sent[0].recipients).toEqual({
      type: 'entity',
      entityRef: ['user:default/carol'],
    });
  });

  it('finds the owners of a run that failed before the module saw the entity in the catalog', async () => {
    const { store, notifier, sent } = await setup();
    const ref = 'component:default/legacy';
    await store.ensure([ref], async () => [ref]);
    await notifier.handle({
      succeeded: [],
      failed: [{ ref, errors: ['Placeholder $text could not be read'] }],
    });
    expect(sent).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: expect.arrayContaining([
            'user:default/alice',
            'user:default/bob',
          ]),
        },
        payload: expect.objectContaining({
          title: 'Component legacy fails to process',
          description: 'Placeholder $text could not be read',
        }),
      },
    ]);
  });
});
