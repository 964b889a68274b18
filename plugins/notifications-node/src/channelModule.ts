import {
  BackendFeature,
  BackendModuleRegistrationPoints,
  coreServices,
  createBackendModule,
  ExtensionPoint,
  LoggerService,
  RootConfigService,
  SchedulerService,
  ServiceRef,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { scheduleDeliveryRecordCleanup } from './deliveryLog';
import { readPostProcessBudgetMs, readPostProcessTimeoutMs } from './duration';
import { migrateModuleDatabase } from './moduleDatabase';
import {
  NotificationsProcessingExtensionPoint,
  notificationsProcessingExtensionPoint,
} from './extensions';

/**
 * The delivery records a channel module keeps, as far as their daily
 * cleanup is concerned.
 *
 * @public
 */
export type ChannelDeliveryRecords = {
  /** Removes the records that are done with and older than `ageMs`; returns how many. */
  deleteOlderThan(ageMs: number): Promise<number>;
};

/**
 * What the init of a module made with {@link createChannelModule} gets
 * besides its own deps.
 *
 * @public
 */
export type ChannelModuleContext<TChannelConfig, TExtensions> = {
  config: RootConfigService;
  logger: LoggerService;
  scheduler: SchedulerService;
  processing: NotificationsProcessingExtensionPoint;
  /** The module's database client, its `migrations` applied. */
  knex: Knex;
  /** What `readConfig` read. */
  channelConfig: TChannelConfig;
  /**
   * The outbox's limits on one `postProcess`: `timeoutMs` before the outbox
   * gives up on a call (`notifications.outbox.timeout`), and
   * `budgetMs`, the part of it a channel may spend waiting on its service.
   */
  postProcess: { timeoutMs: number; budgetMs: number };
  /** What `registerExtensionPoints` returned. */
  extensions: TExtensions;
  /**
   * Schedules the daily removal of the module's old delivery records as the
   * task `notifications-<moduleId>-delivery-cleanup`; `what` names them in
   * the log line.
   */
  scheduleRecordCleanup(
    records: ChannelDeliveryRecords,
    what: string,
  ): Promise<void>;
};

/**
 * The instances of a map of service and extension point refs, as
 * `registerInit` hands them to init.
 *
 * @public
 */
export type ChannelModuleDeps<
  TDepRefs extends {
    [name in string]: ServiceRef<unknown> | ExtensionPoint<unknown>;
  },
> = {
  [name in keyof TDepRefs]: TDepRefs[name] extends ServiceRef<
    unknown,
    'root' | 'plugin',
    'multiton'
  >
    ? Array<TDepRefs[name]['T']>
    : TDepRefs[name]['T'];
};

/**
 * Creates a notifications backend module that delivers through a channel
 * of its own, as the Email, Slack, Teams and webhooks modules do. They all
 * read their config at start-up and stay off without it (nothing is
 * migrated or scheduled then), keep delivery records in tables of their own
 * in the notifications database (see {@link migrateModuleDatabase}) that
 * are cleaned up daily, and add a processor. Besides the services its
 * `deps` name, init gets the ones every channel module uses, the config
 * `readConfig` read, and what `registerExtensionPoints` returned.
 *
 * @public
 */
export function createChannelModule<
  TDepRefs extends {
    [name in string]: ServiceRef<unknown> | ExtensionPoint<unknown>;
  },
  TChannelConfig,
  TExtensions = undefined,
>(options: {
  moduleId: string;
  /** Where the module's migrations are and the table that keeps their history. */
  migrations: { packageName: string; migrationsTable: string };
  /**
   * Registers what the module offers other modules, e.g. a renderer slot.
   * Runs once per backend, before any init.
   */
  registerExtensionPoints?(
    reg: Pick<BackendModuleRegistrationPoints, 'registerExtensionPoint'>,
  ): TExtensions;
  deps: TDepRefs;
  /**
   * Reads the module's config; `undefined` leaves the channel off, which
   * is logged as `offMessage`.
   */
  readConfig(
    config: RootConfigService,
    logger: LoggerService,
  ): TChannelConfig | undefined;
  offMessage?: string;
  init(
    deps: ChannelModuleDeps<TDepRefs>,
    context: ChannelModuleContext<TChannelConfig, TExtensions>,
  ): Promise<void>;
}): BackendFeature {
  const { moduleId } = options;
  return createBackendModule({
    pluginId: 'notifications',
    moduleId,
    register(reg) {
      const extensions = options.registerExtensionPoints?.(reg) as TExtensions;
      const shared = {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        processing: notificationsProcessingExtensionPoint,
      };
      reg.registerInit({
        // The module's own deps come along; only the shared ones are typed here.
        deps: { ...options.deps, ...shared } as typeof shared,
        async init(all) {
          const { config, logger, database, scheduler, processing } = all;
          const channelConfig = options.readConfig(config, logger);
          if (channelConfig === undefined) {
            logger.info(options.offMessage ?? `${moduleId} delivery is off`);
            return;
          }
          const deps = all as unknown as ChannelModuleDeps<TDepRefs>;
          await options.init(deps, {
            config,
            logger,
            scheduler,
            processing,
            knex: await migrateModuleDatabase(database, options.migrations),
            channelConfig,
            extensions,
            postProcess: {
              timeoutMs: readPostProcessTimeoutMs(config),
              budgetMs: readPostProcessBudgetMs(config),
            },
            scheduleRecordCleanup: (records, what) =>
              scheduleDeliveryRecordCleanup({
                scheduler,
                logger,
                // Shipped ids; a new id would orphan the old task.
                id: `notifications-${moduleId}-delivery-cleanup`,
                what,
                deleteOlderThan: ageMs => records.deleteOlderThan(ageMs),
              }),
          });
        },
      });
    },
  });
}
