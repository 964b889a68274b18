import {
  LocalHttpServer,
  NotificationsTestBackend,
  readRequestBody,
  startNotificationsTestBackend,
} from '@herald/notifications-test-utils';
import { IncomingHttpHeaders } from 'node:http';
import { notificationsModuleExampleWebhook } from './module';

jest.setTimeout(30_000);

describe('the example webhook on the notifications outbox', () => {
  let webhook: LocalHttpServer | undefined;
  let backend: NotificationsTestBackend | undefined;
  afterEach(async () => {
    await backend?.stop();
    await webhook?.stop();
  });

  it('carries the same delivery id when a failed delivery is retried', async () => {
    const requests: Array<{ headers: IncomingHttpHeaders; body: any }> = [];
    let retriedResolve = () => {};
    const retried = new Promise<void>(resolve => {
      retriedResolve = resolve;
    });
    webhook = new LocalHttpServer(async (req, res) => {
      requests.push({
        headers: req.headers,
        body: JSON.parse(await readRequestBody(req)),
      });
      // The first attempt fails, as a webhook that is briefly down would.
      res.statusCode = requests.length === 1 ? 503 : 204;
      res.end();
      if (requests.length === 2) {
        retriedResolve();
      }
    });
    await webhook.start();

    backend = await startNotificationsTestBackend({
      modules: [notificationsModuleExampleWebhook],
      outbox: { initialBackoff: '20ms', pollInterval: '50ms' },
      notifications: {
        processors: { exampleWebhook: { url: `${webhook.origin}/hook` } },
      },
    });
    const [sent] = await backend.send({
      recipients: { type: 'broadcast' },
      payload: { title: 'Maintenance tonight' },
    });
    await retried;

    const [first, second] = requests;
    expect(first.body.id).toBe(sent.id);
    expect(second.body).toEqual(first.body);
    expect(first.headers['webhook-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(first.headers['idempotency-key']).toBe(first.headers['webhook-id']);
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.headers['idempotency-key']).toBe(first.headers['webhook-id']);
  });
});
