import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
// The module is tested on the backend whose outbox runs it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import notificationsBackend from '@herald/plugin-notifications-backend';
import { signalsServiceRef } from '@herald/plugin-signals-node';
import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { notificationsModuleExampleWebhook } from './module';

jest.setTimeout(30_000);

const signals = createServiceFactory({
  service: signalsServiceRef,
  deps: {},
  factory: () => ({ async publish() {} }),
});

describe('the example webhook on the notifications outbox', () => {
  let webhook: Server | undefined;
  afterEach(async () => {
    await new Promise(resolve => webhook?.close(resolve));
  });

  it('carries the same delivery id when a failed delivery is retried', async () => {
    const requests: Array<{ headers: IncomingHttpHeaders; body: any }> = [];
    let retriedResolve = () => {};
    const retried = new Promise<void>(resolve => {
      retriedResolve = resolve;
    });
    webhook = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) {
        body += chunk;
      }
      requests.push({ headers: req.headers, body: JSON.parse(body) });
      // The first attempt fails, as a webhook that is briefly down would.
      res.statusCode = requests.length === 1 ? 503 : 204;
      res.end();
      if (requests.length === 2) {
        retriedResolve();
      }
    });
    await new Promise<void>(resolve =>
      webhook!.listen(0, '127.0.0.1', resolve),
    );
    const { port } = webhook.address() as AddressInfo;

    const backend = await startTestBackend({
      features: [
        notificationsBackend,
        notificationsModuleExampleWebhook,
        signals,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            notifications: {
              outbox: {
                initialBackoff: { milliseconds: 20 },
                pollInterval: { milliseconds: 50 },
              },
              processors: {
                exampleWebhook: { url: `http://127.0.0.1:${port}/hook` },
              },
            },
          },
        }),
      ],
    });
    try {
      const sent = await request(backend.server)
        .post('/api/notifications')
        .set('Authorization', mockCredentials.service.header())
        .send({
          recipients: { type: 'broadcast' },
          payload: { title: 'Maintenance tonight' },
        });
      expect(sent.status).toBe(200);
      await retried;

      const [first, second] = requests;
      expect(first.body.id).toBe(sent.body[0].id);
      expect(second.body).toEqual(first.body);
      expect(first.headers['webhook-id']).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(first.headers['idempotency-key']).toBe(
        first.headers['webhook-id'],
      );
      expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
      expect(second.headers['idempotency-key']).toBe(
        first.headers['webhook-id'],
      );
    } finally {
      await backend.stop();
    }
  });
});
