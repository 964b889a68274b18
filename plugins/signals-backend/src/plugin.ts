import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  SIGNALS_EVENT_TOPIC,
  perRecipientSupportServiceRef,
} from '@herald/plugin-signals-node';
import { createSignalBus } from './bus/createSignalBus';
import { signalFromEvent } from './eventsBridge';
import { healthRoute } from './healthRoute';
import { SignalHub } from './hub/SignalHub';
import { readSignalsOptions } from './options';
import { serveWebSockets } from './serveWebSockets';
import { WebSocketEndpoint } from './webSocketEndpoint';

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
        config: coreServices.rootConfig,
        lifecycle: coreServices.lifecycle,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        database: coreServices.database,
        discovery: coreServices.discovery,
        pluginMetadata: coreServices.pluginMetadata,
        instance: coreServices.rootInstanceMetadata,
        events: eventsServiceRef,
        perRecipientSupport: perRecipientSupportServiceRef,
      },
      async init(deps) {
        const { httpRouter, logger, lifecycle, events } = deps;
        const options = readSignalsOptions(deps.config);
        const hub = new SignalHub(options, logger);
        const bus = await createSignalBus({
          mode: options.bus,
          retentionSeconds: options.retentionSeconds,
          database: deps.database,
          logger,
        });
        await bus.start(
          signal => hub.deliver(signal),
          history => hub.preload(history),
        );
        hub.startHeartbeat();

        // With a shared bus one replica takes each event and the bus fans it
        // out; subscribers sharing an id split the events between them, so
        // the events backend's bus cannot deliver a signal twice. Without one,
        // every replica takes every event, like upstream.
        await events.subscribe({
          id: bus.kind === 'memory' ? deps.instance.getId() : 'bus',
          topics: [SIGNALS_EVENT_TOPIC],
          onEvent: async event => {
            const signal = signalFromEvent(event, logger);
            if (signal) {
              await bus.publish(signal);
            }
          },
        });
        // From now on publishers here may send `perRecipient` in one event.
        deps.perRecipientSupport.announce();

        const endpoint = new WebSocketEndpoint({
          auth: deps.auth,
          userInfo: deps.userInfo,
          hub,
          logger,
          options,
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
