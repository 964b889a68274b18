'use strict';

/*
 * Holds the benchmark's WebSocket clients, in a process of its own so the
 * backends never share an event loop with them. Driven by run.js
 * over the command protocol in ipc.js; run.js starts one per server, so no
 * process holds more sockets than the server it connects to.
 */
const WebSocket = require('ws');
const { performance } = require('node:perf_hooks');

const {
  benchToken,
  closeSockets,
  mapWithConcurrency,
  pingAll,
} = require('./clients');
const { serveCommands } = require('./ipc');
const { sleep } = require('./runner');

const sides = new Map();

function sideState(side) {
  if (!sides.has(side)) {
    sides.set(side, { sockets: [], tokens: new Map() });
  }
  return sides.get(side);
}

function openSocket(url, token, channels, userName) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, token, { perMessageDeflate: false });
    const entry = { socket, userName, onFrame: undefined };
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`socket for ${userName} did not open within 30 s`));
    }, 30000);
    socket.on('open', () => {
      clearTimeout(timer);
      for (const channel of channels) {
        socket.send(JSON.stringify({ action: 'subscribe', channel }));
      }
      resolve(entry);
    });
    socket.on('message', data => {
      if (entry.onFrame) {
        entry.onFrame(data);
      }
    });
    socket.on('error', error => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

const commands = {
  /*
   * Opens sockets until the side holds `count`, one distinct user per socket.
   * Without `signIn` (the fan-out floor, which knows no tokens) the sockets
   * connect without one and name their user in the URL.
   */
  async open({ side, baseUrl, count, channels, signIn = true }) {
    const state = sideState(side);
    const wsUrl = `${baseUrl.replace(/^http/, 'ws')}/api/signals`;
    const missing = [];
    for (let i = state.sockets.length; i < count; i++) {
      missing.push(`bench-socket-${i}`);
    }
    const started = performance.now();
    const opened = await mapWithConcurrency(missing, 16, async userName => {
      let token = state.tokens.get(userName);
      if (!token && signIn) {
        token = await benchToken(baseUrl, userName);
        state.tokens.set(userName, token);
      }
      const url = signIn
        ? wsUrl
        : `${wsUrl}?user=${encodeURIComponent(userName)}`;
      return openSocket(url, token, channels, userName);
    });
    state.sockets.push(...opened);
    // A subscribe frame is processed after the open event; a ping round trip
    // on every socket guarantees the server has read everything sent before.
    await pingAll(state.sockets.map(({ socket }) => socket));
    return { open: state.sockets.length, ms: performance.now() - started };
  },

  /*
   * Fires one HTTP request and measures until every socket in `expect` (user
   * names; all sockets when omitted) has received a frame on `channel`. With
   * `keepFrame` the answer carries the first such frame's text.
   */
  async deliver({ side, request, channel, expectUsers, timeoutMs, keepFrame }) {
    const state = sideState(side);
    const expected = expectUsers ? new Set(expectUsers) : undefined;
    const waiting = state.sockets.filter(
      entry => !expected || expected.has(entry.userName),
    );
    let unexpected = 0;
    let remaining = waiting.length;
    const started = performance.now();
    let resolveDone;
    const done = new Promise(resolve => {
      resolveDone = resolve;
    });
    // The client shares the machine with the backend under test: a substring
    // test on the raw frame keeps its own cost per frame small and equal for
    // both sides (no frame in these workloads carries the marker elsewhere).
    const channelMarker = `"channel":${JSON.stringify(channel)}`;
    let frame;
    for (const entry of state.sockets) {
      const isExpected = !expected || expected.has(entry.userName);
      let received = false;
      entry.onFrame = data => {
        if (!data.includes(channelMarker)) {
          return;
        }
        if (!isExpected) {
          unexpected++;
          return;
        }
        if (keepFrame && frame === undefined) {
          frame = data.toString();
        }
        if (!received) {
          received = true;
          remaining--;
          if (remaining === 0) {
            resolveDone(performance.now() - started);
          }
        }
      };
    }
    const timeout = new Promise(resolve =>
      setTimeout(() => resolve(undefined), timeoutMs),
    );
    const response = await fetch(request.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(request.token ? { authorization: `Bearer ${request.token}` } : {}),
      },
      body: JSON.stringify(request.body),
    });
    const responseMs = performance.now() - started;
    const responseText = await response.text();
    if (!response.ok) {
      throw new Error(`${response.status} ${responseText.slice(0, 300)}`);
    }
    const ms = await Promise.race([done, timeout]);
    // Frames to users who were not addressed would show up right behind the
    // last expected one; give them a moment before counting.
    await sleep(200);
    for (const entry of state.sockets) {
      entry.onFrame = undefined;
    }
    return {
      ms,
      responseMs,
      missing: remaining,
      expected: waiting.length,
      unexpected,
      frame,
    };
  },

  async close({ side }) {
    const state = sideState(side);
    await closeSockets(state.sockets.map(({ socket }) => socket));
    state.sockets = [];
    return { open: 0 };
  },
};

serveCommands(commands);
