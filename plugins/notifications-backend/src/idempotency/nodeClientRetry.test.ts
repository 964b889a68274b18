import {
  AuthService,
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { DefaultNotificationService } from '@herald/plugin-notifications-node';
import { Knex } from 'knex';
import { createServer, request as httpRequest, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  describeEachDatabase,
  startNotificationsBackend,
} from '../__testUtils__/notificationsTestBackend';
import { ALICE, BOB } from '../__testUtils__/fixtures';

jest.setTimeout(60_000);

/**
 * Sits between client and backend and loses the backend's answer to the
 * first request: the send is stored, the caller sees a dropped connection.
 */
async function startAnswerLosingProxy(backendPort: number) {
  const keys: Array<string | undefined> = [];
  const server: Server = createServer((req, res) => {
    const index = keys.push(req.headers['idempotency-key'] as string);
    const forwarded = httpRequest(
      {
        host: '127.0.0.1',
        port: backendPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      answer => {
        if (index === 1) {
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forwarded);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    keys,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

describeEachDatabase(
  'the node client retrying a send whose answer was lost',
  database => {
    it('stores the notifications once', async () => {
      const knex: Knex = await database.init();
      let auth!: AuthService;
      const caller = createBackendPlugin({
        pluginId: 'deployer',
        register(env) {
          env.registerInit({
            deps: { pluginAuth: coreServices.auth },
            async init({ pluginAuth }) {
              auth = pluginAuth;
            },
          });
        },
      });
      const { backend, server } = await startNotificationsBackend({
        knex,
        features: [caller],
      });
      const proxy = await startAnswerLosingProxy(
        (server.address() as AddressInfo).port,
      );
      try {
        const client = DefaultNotificationService.create({
          auth,
          discovery: mockServices.discovery.mock({
            getBaseUrl: async () =>
              `http://127.0.0.1:${proxy.port}/api/notifications`,
          }),
        });
        await client.send({
          recipients: { type: 'entity', entityRef: [ALICE, BOB] },
          payload: { title: 'Answer lost' },
        });

        expect(proxy.keys).toHaveLength(2);
        expect(proxy.keys[0]).toBeDefined();
        expect(proxy.keys[1]).toBe(proxy.keys[0]);
        const rows = await knex('notification')
          .where({ title: 'Answer lost' })
          .orderBy('user')
          .select('user', 'origin');
        expect(rows).toEqual([
          { user: ALICE, origin: 'plugin:deployer' },
          { user: BOB, origin: 'plugin:deployer' },
        ]);
      } finally {
        await proxy.close();
        await backend.stop();
      }
    });
  },
);
