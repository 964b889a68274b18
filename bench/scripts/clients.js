'use strict';

/*
 * What the benchmarks' clients share: signing in as a bench user, opening
 * many connections a few at a time, and closing WebSockets.
 */
const WebSocket = require('ws');

/** A Backstage token for `userName` from the bench auth provider. */
async function benchToken(baseUrl, userName, fetchImpl = fetch) {
  const response = await fetchImpl(
    `${baseUrl}/api/auth/bench/refresh?user=${encodeURIComponent(userName)}`,
    { headers: { 'x-requested-with': 'XMLHttpRequest' } },
  );
  if (!response.ok) {
    throw new Error(
      `token for ${userName}: ${response.status} ${await response.text()}`,
    );
  }
  return (await response.json()).backstageIdentity.token;
}

/** `items.map(fn)` with at most `concurrency` calls in flight. */
async function mapWithConcurrency(items, concurrency, fn) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  }
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, worker),
  );
  return results;
}

/**
 * Resolves once every socket has answered a ping: the server has then read
 * every frame the socket sent before it (its subscribe, say).
 */
function pingAll(sockets) {
  return Promise.all(
    sockets.map(
      socket =>
        new Promise(resolve => {
          socket.once('pong', resolve);
          socket.ping();
        }),
    ),
  );
}

/** Closes every socket cleanly, terminating any that take over 5 s. */
function closeSockets(sockets) {
  return Promise.all(
    sockets.map(
      socket =>
        new Promise(resolve => {
          if (socket.readyState === WebSocket.CLOSED) {
            resolve();
            return;
          }
          socket.once('close', resolve);
          socket.close(1000);
          setTimeout(() => {
            socket.terminate();
            resolve();
          }, 5000).unref();
        }),
    ),
  );
}

module.exports = { benchToken, closeSockets, mapWithConcurrency, pingAll };
