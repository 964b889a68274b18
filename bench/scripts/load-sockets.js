'use strict';

/*
 * The load benchmark's WebSocket clients, in a process of their own so the
 * backend never shares an event loop with them. Driven by load.js
 * over the command protocol in ipc.js.
 *
 * Every socket belongs to one user (`load-user-<i>`) and subscribes to the
 * notifications channel. Each notification frame is recorded with the time
 * it arrived (milliseconds on the clock `performance.timeOrigin + now()`,
 * which the runner process shares), so the runner can match it against the
 * send that created it. A frame about another user's notification is counted
 * as misrouted here.
 */
const WebSocket = require('ws');
const { performance } = require('node:perf_hooks');

const { closeSockets, mapWithConcurrency, pingAll } = require('./clients');
const { serveCommands } = require('./ipc');

const NOTIFICATIONS_CHANNEL = 'notifications';
const now = () => performance.timeOrigin + performance.now();

let sockets = [];
let recording;

function openSocket(url, token, userIndex, userRef) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, token, { perMessageDeflate: false });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`socket ${userIndex} did not open within 30 s`));
    }, 30000);
    socket.on('open', () => {
      clearTimeout(timer);
      socket.send(
        JSON.stringify({ action: 'subscribe', channel: NOTIFICATIONS_CHANNEL }),
      );
      resolve(socket);
    });
    socket.on('message', data => {
      if (recording) {
        recordFrame(userIndex, userRef, data);
      }
    });
    socket.on('close', () => {
      if (recording) {
        recording.closed++;
      }
    });
    socket.on('error', error => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function recordFrame(userIndex, userRef, data) {
  const at = now();
  let frame;
  try {
    frame = JSON.parse(data);
  } catch {
    recording.unreadable++;
    return;
  }
  if (frame.channel !== NOTIFICATIONS_CHANNEL) {
    return;
  }
  const message = frame.message ?? {};
  if (message.action !== 'new_notification') {
    return;
  }
  const id = message.notification_id ?? message.notification?.id;
  const owner = message.notification?.user;
  if (owner !== undefined && owner !== null && owner !== userRef) {
    recording.misrouted++;
    return;
  }
  recording.ids.push(id);
  recording.users.push(userIndex);
  recording.times.push(at);
}

const commands = {
  // With `baseUrls` (several replicas) socket i connects to replica i mod n.
  async open({ baseUrl, baseUrls = [baseUrl], users }) {
    const wsUrls = baseUrls.map(
      url => `${url.replace(/^http/, 'ws')}/api/signals`,
    );
    const started = performance.now();
    sockets = await mapWithConcurrency(users, 16, ({ token, ref }, index) =>
      openSocket(wsUrls[index % wsUrls.length], token, index, ref),
    );
    // The subscribe frame is read after the open event; a ping round trip on
    // every socket guarantees the server has read it.
    await pingAll(sockets);
    return { open: sockets.length, ms: performance.now() - started };
  },

  start() {
    recording = {
      ids: [],
      users: [],
      times: [],
      misrouted: 0,
      unreadable: 0,
      closed: 0,
    };
    return {};
  },

  stop() {
    const result = recording;
    recording = undefined;
    return result;
  },

  async close() {
    await closeSockets(sockets);
    sockets = [];
    return {};
  },
};

serveCommands(commands);
