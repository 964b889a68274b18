import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import { Server, createServer, request as httpRequest } from 'node:http';
import { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import {
  createTestDatabases,
  startNotificationsBackend,
} from '../../__testUtils__/notificationsTestBackend';
import { asService } from '../../__testUtils__/fixtures';
import { FAST_GZIP_MIN_BYTES, answerJson } from './jsonAnswer';

jest.setTimeout(60_000);

/** An answer as it went over the wire, not decoded as clients do. */
type RawAnswer = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
};

function rawPost(
  server: Server,
  path: string,
  body: object,
  headers: Record<string, string>,
): Promise<RawAnswer> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: { 'Content-Type': 'application/json', ...headers },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** The gzip header's XFL byte: 4 where zlib's fastest level compressed it. */
const FASTEST_LEVEL_FLAG = 4;

/** JSON of `bytes` characters or a little more. */
function jsonOfSize(bytes: number): string {
  const items = Array.from(
    { length: Math.ceil(bytes / 60) },
    (_, i) => `notification ${i} for user:default/someone-${i}`,
  );
  return JSON.stringify(items);
}

describe("answerJson behind the root router's compression", () => {
  let server: Server;

  beforeAll(async () => {
    const app = express();
    // The middleware the root router of a default backend applies.
    const middleware = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    });
    app.use(middleware.compression());
    app.post('/answer/:bytes', (req, res, next) => {
      answerJson(req, res, jsonOfSize(Number(req.params.bytes))).catch(next);
    });
    server = createServer(app);
    await new Promise<void>(resolve => server.listen(0, resolve));
  });

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  const large = `/answer/${FAST_GZIP_MIN_BYTES * 2}`;

  it('gzips a large answer once, at the fastest level, for a client that accepts gzip', async () => {
    const answer = await rawPost(
      server,
      large,
      {},
      {
        'Accept-Encoding': 'gzip, deflate, br',
      },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers.vary).toMatch(/Accept-Encoding/i);
    expect(answer.body[8]).toBe(FASTEST_LEVEL_FLAG);
    // Encoded once: one gunzip gives the JSON back.
    expect(gunzipSync(answer.body).toString()).toBe(
      jsonOfSize(FAST_GZIP_MIN_BYTES * 2),
    );
  });

  it('leaves a small answer to the middleware, at its own level', async () => {
    const answer = await rawPost(
      server,
      '/answer/4000',
      {},
      {
        'Accept-Encoding': 'gzip',
      },
    );
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(answer.body[8]).not.toBe(FASTEST_LEVEL_FLAG);
    expect(gunzipSync(answer.body).toString()).toBe(jsonOfSize(4000));
  });

  it('leaves a client that takes only brotli to the middleware', async () => {
    const answer = await rawPost(
      server,
      large,
      {},
      {
        'Accept-Encoding': 'br',
      },
    );
    expect(answer.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(answer.body).toString()).toBe(
      jsonOfSize(FAST_GZIP_MIN_BYTES * 2),
    );
  });

  it('answers plain JSON to a client that sent no Accept-Encoding, as curl does', async () => {
    const answer = await rawPost(server, large, {}, {});
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.body.toString()).toBe(jsonOfSize(FAST_GZIP_MIN_BYTES * 2));
  });
});

const databases = createTestDatabases();

describe('the answer to a large send', () => {
  let server: Server;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    const started = await startNotificationsBackend({ knex });
    server = started.server as unknown as Server;
    stop = () => started.backend.stop();
  });

  afterAll(async () => {
    await stop();
  });

  let sends = 0;
  /** A send to enough users that its answer passes the threshold. */
  function largeSend() {
    sends += 1;
    return {
      recipients: {
        type: 'entity',
        entityRef: Array.from(
          { length: 600 },
          (_, i) => `user:default/large-${sends}-${i}`,
        ),
      },
      payload: { title: 'Release 1.2.3 is out' },
    };
  }

  it('is gzipped at the fastest level', async () => {
    const answer = await rawPost(server, '/api/notifications', largeSend(), {
      Authorization: asService(),
      'Accept-Encoding': 'gzip, deflate',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(answer.body[8]).toBe(FASTEST_LEVEL_FLAG);
    const sent = JSON.parse(gunzipSync(answer.body).toString());
    expect(sent).toHaveLength(600);
    expect(sent[0].payload.title).toBe('Release 1.2.3 is out');
  });

  it('is gzipped the same way when the send carries an idempotency key, and when it is replayed', async () => {
    const body = largeSend();
    const headers = {
      Authorization: asService(),
      'Accept-Encoding': 'gzip',
      'Idempotency-Key': `large-${sends}`,
    };
    const first = await rawPost(server, '/api/notifications', body, headers);
    const replay = await rawPost(server, '/api/notifications', body, headers);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    for (const answer of [first, replay]) {
      expect(answer.status).toBe(200);
      expect(answer.headers['content-encoding']).toBe('gzip');
      expect(answer.body[8]).toBe(FASTEST_LEVEL_FLAG);
    }
    const sent = JSON.parse(gunzipSync(first.body).toString());
    expect(sent).toHaveLength(600);
    expect(JSON.parse(gunzipSync(replay.body).toString())).toEqual(sent);
  });
});
