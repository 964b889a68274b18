import { Notification } from '@herald/plugin-notifications-common';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
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

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

type Received = {
  method?: string;
  type?: string;
  deliveryHeaders: unknown[];
  body: unknown;
};

async function listen(
  status: number,
  received: Received[],
): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    received.push({
      method: req.method,
      type: req.headers['content-type'],
      deliveryHeaders: [
        req.headers['webhook-id'],
        req.headers['idempotency-key'],
      ],
      body: JSON.parse(await readBody(req)),
    });
    res.statusCode = status;
    res.end();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/hook` };
}

describe('ExampleWebhookProcessor', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      servers.splice(0).map(s => new Promise(resolve => s.close(resolve))),
    );
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
    const received: Received[] = [];
    const { server, url } = await listen(204, received);
    servers.push(server);

    await new ExampleWebhookProcessor(url).postProcess(
      notification('plugin:example-todo'),
      options,
      { deliveryId: DELIVERY_ID, attempt: 1 },
    );

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
    const received: Received[] = [];
    const { server, url } = await listen(204, received);
    servers.push(server);

    await new ExampleWebhookProcessor(url).postProcess(
      notification('plugin:example-todo'),
      options,
    );

    expect(received[0].deliveryHeaders).toEqual([undefined, undefined]);
  });

  it('throws when the webhook answers with an error, so the outbox retries', async () => {
    const received: Received[] = [];
    const { server, url } = await listen(503, received);
    servers.push(server);

    await expect(
      new ExampleWebhookProcessor(url).postProcess(
        notification('plugin:example-todo'),
        options,
      ),
    ).rejects.toThrow(/Webhook answered 503/);
    expect(received).toHaveLength(1);
  });

  it('throws when the webhook cannot be reached', async () => {
    const { server, url } = await listen(204, []);
    await new Promise(resolve => server.close(resolve));

    await expect(
      new ExampleWebhookProcessor(url).postProcess(
        notification('plugin:example-todo'),
        options,
      ),
    ).rejects.toThrow();
  });
});
