import {
  AuthService,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { ChannelModuleContext, createChannelModule } from './channelModule';
import { ExtensionSlot } from './ExtensionSlot';
import { notificationsProcessingExtensionPoint } from './extensions';
import { NotificationProcessor } from './processor';

type TestInit = (
  deps: { auth: AuthService },
  context: ChannelModuleContext<string, ExtensionSlot<string>>,
) => Promise<void>;

describe('createChannelModule', () => {
  async function start(options: { target?: string; init?: TestInit }) {
    const processors: NotificationProcessor[] = [];
    const notificationsPlugin = createBackendPlugin({
      pluginId: 'notifications',
      register(env) {
        env.registerExtensionPoint(notificationsProcessingExtensionPoint, {
          addProcessor: (...added) => processors.push(...added.flat()),
          setNotificationRecipientResolver: () => {},
        });
        env.registerInit({ deps: {}, async init() {} });
      },
    });
    const knex = {} as Knex;
    const scheduler = mockServices.scheduler.mock();
    const getClient = jest.fn(async () => knex);
    const init = jest.fn<ReturnType<TestInit>, Parameters<TestInit>>(
      options.init ?? (async () => {}),
    );
    const slot = new ExtensionSlot<string>('Test renderer');
    const module = createChannelModule({
      moduleId: 'test',
      migrations: {
        packageName: '@herald/plugin-notifications-node',
        migrationsTable: 'notification_test_knex_migrations',
      },
      registerExtensionPoints: () => slot,
      deps: { auth: coreServices.auth },
      readConfig: config => config.getOptionalString('test.target'),
      init,
    });
    await startTestBackend({
      features: [
        notificationsPlugin,
        module,
        scheduler.factory,
        mockServices.database.mock({ getClient, migrations: { skip: true } })
          .factory,
        mockServices.rootConfig.factory({
          data: options.target ? { test: { target: options.target } } : {},
        }),
      ],
    });
    return { init, scheduler, getClient, knex, slot, processors };
  }

  it('stays off without its config: no init, no database, no task', async () => {
    const { init, scheduler, getClient } = await start({});
    expect(init).not.toHaveBeenCalled();
    expect(getClient).not.toHaveBeenCalled();
    expect(scheduler.scheduleTask).not.toHaveBeenCalled();
  });

  it('hands init its own deps and what every channel module uses', async () => {
    const processor: NotificationProcessor = { getName: () => 'Test' };
    const { init, knex, slot, processors } = await start({
      target: 'somewhere',
      init: async (_deps, context) => {
        context.processing.addProcessor(processor);
      },
    });
    expect(init).toHaveBeenCalledTimes(1);
    const [deps, context] = init.mock.calls[0];
    expect(Object.keys(deps)).toContain('auth');
    expect(deps.auth.authenticate).toEqual(expect.any(Function));
    expect(context.channelConfig).toBe('somewhere');
    expect(context.knex).toBe(knex);
    expect(context.extensions).toBe(slot);
    expect(processors).toEqual([processor]);
  });

  it('names the cleanup task after the module, as the shipped ids are', async () => {
    const deleteOlderThan = jest.fn(async () => 3);
    const { scheduler } = await start({
      target: 'somewhere',
      init: async (_deps, context) => {
        await context.scheduleRecordCleanup(
          { deleteOlderThan },
          'test record(s)',
        );
      },
    });
    expect(scheduler.scheduleTask).toHaveBeenCalledTimes(1);
    const task = jest.mocked(scheduler.scheduleTask).mock.calls[0][0];
    expect(task).toMatchObject({
      id: 'notifications-test-delivery-cleanup',
      scope: 'global',
    });
    await task.fn(new AbortController().signal);
    expect(deleteOlderThan).toHaveBeenCalledWith(30 * 24 * 60 * 60 * 1000);
  });
});
