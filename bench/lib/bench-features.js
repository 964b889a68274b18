'use strict';

const { collectedMemoryUsage } = require('./resident-memory');

/*
 * Backend features that only the benchmark backends load. They are built from
 * the module set of the backend they run in (a `require` bound to that
 * backend's package), so each side uses its own framework and signals packages.
 *
 * - An auth provider `bench` that issues a user token for any user name given
 *   in `?user=`. Thousands of distinct users are needed for the socket
 *   workloads and guest sign-in only knows one user. Both sides get their
 *   tokens from the same auth backend code, so the handshake cost is equal.
 * - A plugin `bench` with `POST /api/bench/signal` that publishes its JSON body
 *   through the backend's SignalsService, so a targeted signal can be measured
 *   without the notification send path in front of it, and
 *   `POST /api/bench/memory` that collects garbage (the process runs with
 *   --expose-gc) and returns what is left (resident-memory.js), so memory per
 *   socket is not a reading of whenever the collector last ran, and
 *   `POST /api/bench/plugin-send` that sends its JSON body through the
 *   backend's notification service, as a plugin such as the scaffolder does,
 *   so the backend runs whatever such a send leaves behind (on Herald, a send
 *   with an idempotency key).
 *
 * Never load these outside a benchmark: anyone who can reach the backend can
 * sign in as anyone.
 */
function createBenchFeatures(
  req,
  { signalsNodePackage, notificationsNodePackage },
) {
  const { createBackendModule, createBackendPlugin, coreServices } = req(
    '@backstage/backend-plugin-api',
  );
  const {
    authProvidersExtensionPoint,
    createProxyAuthProviderFactory,
    createProxyAuthenticator,
  } = req('@backstage/plugin-auth-node');
  const { signalsServiceRef } = req(signalsNodePackage);
  const { notificationService } = req(notificationsNodePackage);
  const express = req('express');

  const userNamePattern = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

  const authenticator = createProxyAuthenticator({
    defaultProfileTransform: async result => ({
      profile: { displayName: result.userName },
    }),
    initialize() {
      return undefined;
    },
    async authenticate({ req: request }) {
      const userName = String(request.query.user ?? '');
      if (!userNamePattern.test(userName)) {
        throw new Error('bench sign-in needs ?user=<name>');
      }
      return { result: { userName } };
    },
  });

  const benchAuthProvider = createBackendModule({
    pluginId: 'auth',
    moduleId: 'bench-provider',
    register(reg) {
      reg.registerInit({
        deps: { providers: authProvidersExtensionPoint },
        async init({ providers }) {
          providers.registerProvider({
            providerId: 'bench',
            factory: createProxyAuthProviderFactory({
              authenticator,
              async signInResolver({ result }, ctx) {
                const userEntityRef = `user:default/${result.userName}`;
                return ctx.issueToken({
                  claims: { sub: userEntityRef, ent: [userEntityRef] },
                });
              },
            }),
          });
        },
      });
    },
  });

  const benchSignalPlugin = createBackendPlugin({
    pluginId: 'bench',
    register(reg) {
      reg.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          signals: signalsServiceRef,
          notifications: notificationService,
        },
        async init({ httpRouter, signals, notifications }) {
          const router = express.Router();
          router.use(express.json({ limit: '5mb' }));
          router.post('/signal', async (request, response) => {
            await signals.publish(request.body);
            response.json({ published: true });
          });
          router.post('/plugin-send', async (request, response) => {
            await notifications.send(request.body);
            response.json({ sent: true });
          });
          router.post('/memory', async (_request, response) => {
            if (typeof global.gc !== 'function') {
              response.status(501).json({ error: 'run with --expose-gc' });
              return;
            }
            response.json(await collectedMemoryUsage());
          });
          httpRouter.use(router);
        },
      });
    },
  });

  return [benchAuthProvider, benchSignalPlugin];
}

module.exports = { createBenchFeatures };
