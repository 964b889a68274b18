import { Notification } from '@herald/plugin-notifications-common';
import { NotificationPostProcessContext } from '@herald/plugin-notifications-node';
import {
  LocalHttpServer,
  readRequestBody,
} from '@herald/notifications-test-utils';
import {
  EXAMPLE_TODO_ICON,
  ExampleWebhookProcessor,
} from './ExampleWebhookProcessor';

function notification(origin: string): Notification {
  return {
    id: 'n-1',
    user: 'user:default/jane',
    created: new Date('2024-05-01T10:00:00Z'),
    origin,
    payload: { title: 'Todo completed', severity: 'normal' },
  };
}

const DELIVERY_ID = '0f6a2c4e-8b1d-8e3f-a5c7-9d0b2e4f6a8c';

const options = {
  recipients: { type: 'entity' as const, entityRef: 'user:default/jane' },
  payload: { title: 'Todo completed' },
};

type Received = {
  method?: string;
  type?: string;
  deliveryHeaders: unknown[];
  body: unknown;
};

const servers: LocalHttpServer[] = [];

/** A webhook answering every request with `status`, recording it. */
async function listen(
  status: number,
): Promise<{ server: LocalHttpServer; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = new LocalHttpServer(async (req, res) => {
    received.push({
      method: req.method,
      type: req.headers['content-type'],
      deliveryHeaders: [
        req.headers['webhook-id'],
        req.headers['idempotency-key'],
      ],
      body: JSON.parse(await readRequestBody(req)),
    });
    res.statusCode = status;
    res.end();
  });
  await server.start();
  servers.push(server);
  return { server, url: `${server.origin}/hook`, received };
}

/** A todo notification delivered to `url` by the processor. */
function deliverTodo(url: string, context?: NotificationPostProcessContext) {
  return new ExampleWebhookProcessor(url).postProcess(
    notification('plugin:example-todo'),
    options,
    context,
  );
}

describe('ExampleWebhookProcessor', () => {
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(server => server.stop()));
  });

  it('sets the icon on notifications of the example todo plugin only', async () => {
    const processor = new ExampleWebhookProcessor('http://127.0.0.1:1/hook');

    const decorated = await processor.preProcess(
      notification('plugin:example-todo'),
    );
    const untouched = await processor.preProcess(
      notification('plugin:catalog'),
    );

    expect(decorated.payload.icon).toBe(EXAMPLE_TODO_ICON);
    expect(decorated.payload.title).toBe('Todo completed');
    expect(untouched.payload.icon).toBeUndefined();
  });

  it('POSTs the notification as JSON to the webhook', async () => {
    const { url, received } = await listen(204);

    await deliverTodo(url, { deliveryId: DELIVERY_ID, attempt: 1 });

    expect(received).toEqual([
      {
        method: 'POST',
        type: 'application/json',
        deliveryHeaders: [DELIVERY_ID, DELIVERY_ID],
        body: {
          id: 'n-1',
          user: 'user:default/jane',
          created: '2024-05-01T10:00:00.000Z',
          origin: 'plugin:example-todo',
          payload: { title: 'Todo completed', severity: 'normal' },
        },
      },
    ]);
  });

  it('sends no delivery headers when the host gives no delivery id', async () => {
    const { url, received } = await listen(204);

    await deliverTodo(url);

    expect(received[0].deliveryHeaders).toEqual([undefined, undefined]);
  });

  it('throws when the webhook answers with an error, so the outbox retries', async () => {
    const { url, received } = await listen(503);

    await expect(deliverTodo(url)).rejects.toThrow(/Webhook answered 503/);
    expect(received).toHaveLength(1);
  });

  it('throws when the webhook cannot be reached', async () => {
    const { server, url } = await listen(204);
    await server.stop();

    await expect(deliverTodo(url)).rejects.toThrow();
  });
});
