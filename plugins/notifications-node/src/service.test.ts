import { mockServices } from '@backstage/backend-test-utils';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { DefaultNotificationService } from './service';

jest.setTimeout(30_000);

type Answer = (req: IncomingMessage, res: ServerResponse) => void;

const status =
  (code: number): Answer =>
  (_req, res) => {
    res.statusCode = code;
    res.setHeader('Content-Type', 'application/json');
    if (code === 204) {
      res.end();
      return;
    }
    res.end(code === 200 ? '[]' : '{"error":{"name":"Error","message":"x"}}');
  };

/** Drops the connection without an answer, as a crashing backend would. */
const hangUp: Answer = req => {
  req.socket.destroy();
};

/** A notifications backend stand-in answering each request with the next answer. */
async function startBackend(answers: Answer[]) {
  const requests: {
    key: string | undefined;
    prefer: string | undefined;
    body: string;
  }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      requests.push({
        key: req.headers['idempotency-key'] as string | undefined,
        prefer: req.headers.prefer as string | undefined,
        body,
      });
      const answer = answers.shift() ?? status(200);
      answer(req, res);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const service = DefaultNotificationService.create({
    auth: mockServices.auth(),
    discovery: mockServices.discovery.mock({
      getBaseUrl: async () => `http://127.0.0.1:${port}/api/notifications`,
    }),
  });
  return {
    service,
    requests,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

const options = {
  recipients: { type: 'broadcast' as const },
  payload: { title: 'Hello' },
};

describe('DefaultNotificationService', () => {
  it('retries a 5xx and a dropped connection with the same key', async () => {
    const backend = await startBackend([status(503), hangUp, status(200)]);
    try {
      await backend.service.send(options);
      expect(backend.requests).toHaveLength(3);
      const [first, ...retries] = backend.requests;
      expect(first.key).toMatch(/^[0-9a-f-]{36}$/);
      for (const retry of retries) {
        expect(retry).toEqual(first);
      }
      expect(JSON.parse(first.body)).toEqual(options);
    } finally {
      await backend.close();
    }
  });

  it('asks for no notifications back, and takes the 204 that brings none', async () => {
    const backend = await startBackend([status(204)]);
    try {
      await backend.service.send(options);
      expect(backend.requests.map(request => request.prefer)).toEqual([
        'return=minimal',
      ]);
    } finally {
      await backend.close();
    }
  });

  it('retries while the first attempt is still in flight (409)', async () => {
    const backend = await startBackend([status(409), status(200)]);
    try {
      await backend.service.send(options);
      expect(backend.requests).toHaveLength(2);
    } finally {
      await backend.close();
    }
  });

  it('uses a new key for every call', async () => {
    const backend = await startBackend([]);
    try {
      await backend.service.send(options);
      await backend.service.send(options);
      const [a, b] = backend.requests;
      expect(a.key).toBeDefined();
      expect(b.key).toBeDefined();
      expect(a.key).not.toBe(b.key);
    } finally {
      await backend.close();
    }
  });

  it('does not retry an answer that will not change, such as 400 or 422', async () => {
    const backend = await startBackend([status(400), status(422)]);
    try {
      await expect(backend.service.send(options)).rejects.toThrow(
        'Failed to send notifications: Error: Request failed with status 400',
      );
      await expect(backend.service.send(options)).rejects.toThrow(
        'Request failed with status 422',
      );
      expect(backend.requests).toHaveLength(2);
    } finally {
      await backend.close();
    }
  });

  it('gives up after a bounded number of attempts', async () => {
    const backend = await startBackend([
      status(500),
      status(500),
      status(502),
      status(500),
    ]);
    try {
      await expect(backend.service.send(options)).rejects.toThrow(
        'Request failed with status 500',
      );
      expect(backend.requests).toHaveLength(4);
      expect(new Set(backend.requests.map(r => r.key)).size).toBe(1);
    } finally {
      await backend.close();
    }
  });
});
