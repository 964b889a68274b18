import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  CatalogRecipientResolver,
  notificationService,
} from '@herald/plugin-notifications-node';
import { readCatalogNotificationsConfig } from './config';
import { EntityChangeNotifier } from './EntityChangeNotifier';
import { EntityStateStore } from './EntityStateStore';
import { Batcher } from './Batcher';
import { CATALOG_ERRORS_TOPIC, ProcessingOutcomes } from './ProcessingOutcomes';

/** How often settled outcomes are handled, as one batch. */
const BATCH_INTERVAL_MS = 1000;

/**
 * Tells the owners of catalog entities when an entity is first discovered,
 * when its processing starts failing and when it recovers.
 *
 * @public
 */
export const catalogModuleNotifications = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'notifications',
  register(reg) {
    reg.registerInit({
      deps: {
        processing: catalogProcessingExtensionPoint,
        events: eventsServiceRef,
        catalog: catalogServiceRef,
        notifications: notificationService,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        database: coreServices.database,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
      },
      async init({
        processing,
        events,
        catalog,
        notifications,
        auth,
        config,
        database,
        lifecycle,
        logger,
      }) {
        const store = await EntityStateStore.create(database);
        const catalogEntities = async (entityRefs: string[]) => {
          const { items } = await catalog.getEntitiesByRefs(
            { entityRefs, fields: ['kind', 'metadata', 'spec.owner'] },
            { credentials: await auth.getOwnServiceCredentials() },
          );
          return items.flatMap(item => (item ? [item] : []));
        };
        const alreadyInCatalog = async (entityRefs: string[]) =>
          (await catalogEntities(entityRefs)).map(e => stringifyEntityRef(e));
        const records = new Batcher<string>(refs =>
          store.ensure(refs, alreadyInCatalog),
        );
        const outcomes = new ProcessingOutcomes({
          prepare: async ref => {
            if (!store.isKnown(ref)) {
              await records.add(ref);
            }
          },
          logger,
        });
        processing.addProcessor(outcomes.processor());
        await events.subscribe({
          id: 'herald-catalog-notifications',
          topics: [CATALOG_ERRORS_TOPIC],
          onEvent: async event => outcomes.runFailed(event.eventPayload),
        });

        const notifier = new EntityChangeNotifier({
          store,
          alreadyInCatalog,
          catalogEntities,
          resolver: new CatalogRecipientResolver(catalog, auth),
          notifications,
          config: readCatalogNotificationsConfig(config),
          logger,
        });
        let running: Promise<void> = Promise.resolve();
        let timer: NodeJS.Timeout | undefined;
        lifecycle.addStartupHook(() => {
          timer = setInterval(() => {
            // One batch at a time; a slow one delays the next.
            running = running
              .then(() => notifier.handle(outcomes.take()))
              .catch(error =>
                logger.warn(`Failed to handle catalog notifications: ${error}`),
              );
          }, BATCH_INTERVAL_MS);
        });
        lifecycle.addShutdownHook(async () => {
          clearInterval(timer);
          await running;
        });
      },
    });
  },
});
