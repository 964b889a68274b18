import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { perRecipientSupportServiceRef } from '@herald/plugin-signals-node';
import { createSignalBus } from './bus/createSignalBus';
import { readSignalsConfig } from './config';
import { subscribeToSignalEvents } from './eventsBridge';
import { healthRoute } from './healthRoute';
import { signalPublisher } from './signalPublisher';
import { SignalHub } from './hub/SignalHub';
import { serveWebSockets } from './serveWebSockets';
import { WebSocketEndpoint } from './WebSocketEndpoint';

/**
 * The signals backend: the `/api/signals` WebSocket endpoint fed from the
 * `signals` events topic through a bus shared by all replicas.
 * @public
 */
export const signalsPlugin = createBackendPlugin({
  pluginId: 'signals',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        rootConfig: coreServices.rootConfig,
        lifecycle: coreServices.lifecycle,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        discovery: coreServices.discovery,
        pluginMetadata: coreServices.pluginMetadata,
        instance: coreServices.rootInstanceMetadata,
        events: eventsServiceRef,
        perRecipientSupport: perRecipientSupportServiceRef,
      },
      async init(deps) {
        const { httpRouter, logger, lifecycle } = deps;
        const config = readSignalsConfig(deps.rootConfig);
        const hub = new SignalHub(config, logger);
        const bus = await createSignalBus({
          config,
          database: deps.database,
          logger,
          scheduler: deps.scheduler,
        });
        await bus.start(
          signal => hub.deliver(signal),
          history => hub.preload(history),
        );
        hub.startHeartbeat();
        await subscribeToSignalEvents({
          events: deps.events,
          sharedByReplicas: bus.sharedByReplicas,
          publish: signalPublisher(bus, hub),
          instanceId: deps.instance.getId(),
          logger,
        });
        // From now on publishers here may send `perRecipient` in one event.
        deps.perRecipientSupport.announce();

        const endpoint = new WebSocketEndpoint({
          auth: deps.auth,
          userInfo: deps.userInfo,
          hub,
          logger,
          config,
        });
        serveWebSockets({
          httpRouter,
          auth: deps.auth,
          discovery: deps.discovery,
          lifecycle,
          logger,
          pluginId: deps.pluginMetadata.getId(),
          handler: context => endpoint.handleUpgrade(context),
        });
        httpRouter.use(healthRoute);
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });

        lifecycle.addShutdownHook(async () => {
          hub.shutdown();
          endpoint.close();
          await bus.stop();
        });
      },
    });
  },
});
