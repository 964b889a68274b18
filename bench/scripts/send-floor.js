'use strict';

/*
 * The send floor: the least a server that answers `POST /api/notifications`
 * as upstream's API does can do for a send, in a process of its own with no
 * backend framework, authentication, settings, processors, outbox or signal.
 * It reads and parses the body, makes one row per distinct recipient (refs
 * lower-cased, as entity refs are compared), stores the rows with the
 * storage floor's statement (`insertSendBare`: one text, one row per user,
 * the cheapest way each database takes them) and answers with every
 * notification it stored, in upstream's wire shape, gzipped at zlib's
 * fastest level when the client accepts gzip, as a Backstage backend
 * compresses its answers. The answer does not depend on the write, so it is
 * built and compressed while the database writes, and goes out once the rows
 * are committed.
 *
 * The storage floor leaves out what any such server pays besides the
 * database; this is the least a send can take on this machine. Driven by
 * `send-ab.js --floor` over the command protocol in ipc.js.
 */
const crypto = require('node:crypto');
const http = require('node:http');
const { promisify } = require('node:util');
const {
  Worker,
  isMainThread,
  parentPort,
  workerData,
} = require('node:worker_threads');
const zlib = require('node:zlib');
const {
  createPostgresDatabase,
  insertSendBare,
  notificationsDatabase,
} = require('./databases');
const { serveCommands } = require('./ipc');
const { readBody } = require('./request-body');
const { log } = require('./runner');

const gzip = promisify(zlib.gzip);
// Herald's rule for large answers; smaller ones are not worth the pool.
const GZIP_FROM_BYTES = 64 * 1024;

/**
 * A send from its body: a distinct id per distinct recipient, and what all
 * its rows share. Plain arrays and strings, so it crosses to a worker thread
 * for next to nothing.
 */
function parseSend(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const refs = body?.recipients?.entityRef;
  const payload = body?.payload;
  if (
    !Array.isArray(refs) ||
    refs.length === 0 ||
    !refs.every(ref => typeof ref === 'string') ||
    typeof payload?.title !== 'string'
  ) {
    return undefined;
  }
  const users = [...new Set(refs.map(ref => ref.toLowerCase()))];
  return {
    users,
    ids: users.map(() => crypto.randomUUID()),
    created: new Date().toISOString(),
    text: {
      id: crypto.randomUUID(),
      title: payload.title,
      description: payload.description ?? null,
    },
    payload: {
      title: payload.title,
      description: payload.description ?? null,
      link: payload.link ?? null,
      severity: payload.severity ?? 'normal',
      topic: payload.topic ?? null,
      scope: payload.scope ?? null,
      icon: null,
    },
    origin: 'external:bench',
  };
}

/** The rows `insertSendBare` stores for a send. */
function rowsOf(send) {
  const created = new Date(send.created);
  return send.users.map((user, i) => ({
    id: send.ids[i],
    user,
    title: send.payload.title,
    description: send.payload.description,
    severity: send.payload.severity,
    link: send.payload.link,
    origin: send.origin,
    scope: send.payload.scope,
    topic: send.payload.topic,
    created,
    updated: null,
    read: null,
    saved: null,
  }));
}

/*
 * The answer in upstream's wire shape, the cheapest way: the notifications
 * differ only in id and user, so the rest of each is written once and
 * repeated, which makes the same text as `JSON.stringify` of the objects in
 * about half the time.
 */
function answerOf(send) {
  const rest = `,"created":${JSON.stringify(
    send.created,
  )},"read":null,"saved":null,"updated":null,"origin":${JSON.stringify(
    send.origin,
  )},"payload":${JSON.stringify(send.payload)}}`;
  const parts = send.users.map(
    (user, i) => `{"id":"${send.ids[i]}","user":${JSON.stringify(user)}${rest}`,
  );
  return Buffer.from(`[${parts.join(',')}]`);
}

async function encode(send, acceptsGzip) {
  const json = answerOf(send);
  if (!acceptsGzip || json.length < GZIP_FROM_BYTES) {
    return { body: json, gzipped: false };
  }
  const body = await gzip(json, { level: zlib.constants.Z_BEST_SPEED });
  return { body, gzipped: true };
}

/** Stores a send's rows; resolves with the milliseconds it took. */
async function storeSend(db, hasTexts, send) {
  const started = performance.now();
  await insertSendBare(db, rowsOf(send), send.text, hasTexts);
  return performance.now() - started;
}

/**
 * A database of its own for the floor, with the schema the new checkout's
 * migrations make: written by the floor alone, its rows do not land in a
 * backend's tables and slow that backend's next send.
 */
async function createDatabase(engine, databaseOptions, migrations) {
  if (engine !== 'sqlite') {
    await createPostgresDatabase(databaseOptions);
  }
  const db = notificationsDatabase(engine, databaseOptions, { writer: true });
  try {
    await db.migrate.latest({ directory: migrations });
  } finally {
    await db.destroy();
  }
}

/*
 * Where a send's rows are written. PostgreSQL writes in its own process, so
 * this thread builds the answer meanwhile. better-sqlite3 writes on the
 * thread that calls it, so SQLite's writes go to a worker thread, as
 * Herald's do, and the answer is built beside them; the worker copies the
 * write-ahead log into the database after each send, as Herald's
 * checkpointer does on a thread of its own.
 */
async function openStore(engine, databaseOptions) {
  if (engine !== 'sqlite') {
    const db = notificationsDatabase(engine, databaseOptions);
    const hasTexts = await db.schema.hasTable('notification_text');
    return {
      store: send => storeSend(db, hasTexts, send),
      close: () => db.destroy(),
    };
  }
  const worker = new Worker(__filename, {
    workerData: { engine, databaseOptions },
  });
  let pending;
  worker.on('message', message => pending?.(message));
  await new Promise(resolve => {
    pending = resolve;
  });
  return {
    store: send =>
      new Promise((resolve, reject) => {
        pending = ({ ms, error }) =>
          error ? reject(new Error(error)) : resolve(ms);
        worker.postMessage(send);
      }),
    close: () => worker.terminate(),
  };
}

/** The SQLite worker's side: one send at a time, as the server sends them. */
async function serveStoreInWorker() {
  const db = notificationsDatabase(
    workerData.engine,
    workerData.databaseOptions,
    { writer: true },
  );
  const hasTexts = await db.schema.hasTable('notification_text');
  parentPort.on('message', async send => {
    try {
      parentPort.postMessage({ ms: await storeSend(db, hasTexts, send) });
    } catch (error) {
      parentPort.postMessage({ error: String(error.stack ?? error) });
      return;
    }
    await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
  });
  parentPort.postMessage({ ready: true });
}

let store;
let server;

async function answerSend(request, response) {
  const send = parseSend(await readBody(request));
  if (!send) {
    response.writeHead(400, { 'content-type': 'application/json' });
    response.end('{"error":{"name":"InputError","message":"Invalid send"}}');
    return;
  }
  const acceptsGzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
  const stored = store.store(send);
  // Lets the statement or the message go out before the answer takes the
  // thread.
  await new Promise(resolve => setImmediate(resolve));
  const encoded = encode(send, acceptsGzip);
  const storageMs = await stored;
  const { body, gzipped } = await encoded;
  log(
    `send floor: ${send.users.length} rows stored in ${storageMs.toFixed(
      1,
    )} ms, answer of ${body.length} bytes`,
  );
  response.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    ...(gzipped ? { 'content-encoding': 'gzip' } : {}),
  });
  response.end(body);
}

async function handleRequest(request, response) {
  if (request.method !== 'POST' || request.url !== '/api/notifications') {
    response.writeHead(404).end();
    return;
  }
  try {
    await answerSend(request, response);
  } catch (error) {
    response.writeHead(500).end(String(error.stack ?? error));
  }
}

const commands = {
  /**
   * Creates the notifications database of `databaseOptions` with the
   * schema of `migrations` and serves sends into it.
   */
  async listen({ engine, databaseOptions, migrations }) {
    await createDatabase(engine, databaseOptions, migrations);
    store = await openStore(engine, databaseOptions);
    server = http.createServer(handleRequest);
    await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
    return { baseUrl: `http://127.0.0.1:${server.address().port}` };
  },

  async close() {
    await new Promise(resolve => server.close(resolve));
    await store.close();
    return {};
  },
};

if (isMainThread) {
  serveCommands(commands);
} else {
  serveStoreInWorker();
}
