'use strict';

/*
 * The fan-out floor: a bare `ws` server in a process of its own, with no
 * authentication, subscriptions or bus. `POST /broadcast` writes one frame,
 * built once beforehand, to every connected socket; `POST /signal` writes one
 * frame, built once from the request, to the sockets of the users it names.
 * Timed by the socket client exactly as a backend's broadcast or signal is,
 * they are what delivering one frame to those sockets costs on this machine
 * with nothing else around it. Driven by run.js over the command protocol in
 * ipc.js.
 */
const http = require('node:http');
const WebSocket = require('ws');

const { collectedMemoryUsage } = require('../lib/resident-memory');
const { serveCommands } = require('./ipc');
const { readBody } = require('./request-body');

let server;
let sockets;
let frame;
// The floor knows no tokens: a socket names its user in the URL's `user`.
const socketsByUser = new Map();

/*
 * The whole WebSocket frame as a server sends it (final, text, unmasked), so
 * a broadcast writes the same bytes to every socket, as Herald's hub does,
 * instead of framing the message once per socket as `WebSocket#send` would.
 */
function prebuiltFrame(text) {
  return Buffer.concat(
    WebSocket.Sender.frame(Buffer.from(text), {
      fin: true,
      opcode: 1,
      mask: false,
      readOnly: false,
      rsv1: false,
    }),
  );
}

function broadcast() {
  for (const socket of sockets.clients) {
    // `ws` keeps the TCP socket as `_socket`; without compression it writes
    // its own frames to it straight away, so these keep their order.
    socket._socket.write(frame);
  }
  return sockets.clients.size;
}

/*
 * What a targeted signal needs at the least: the addressed users read from
 * the request, the frame framed once, and a lookup and a write per user.
 */
function signal({ users, channel, message }) {
  const userFrame = prebuiltFrame(JSON.stringify({ channel, message }));
  let count = 0;
  for (const user of users) {
    const socket = socketsByUser.get(user);
    if (socket) {
      socket._socket.write(userFrame);
      count++;
    }
  }
  return count;
}

const routes = {
  // The body is read to its end, as a backend reads a send, and not used.
  '/broadcast': () => (frame ? broadcast() : undefined),
  '/signal': body => signal(JSON.parse(body)),
};

async function handleRequest(request, response) {
  const route = request.method === 'POST' ? routes[request.url] : undefined;
  const count = route?.(await readBody(request));
  if (count === undefined) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ sockets: count }));
}

function remember(socket, request) {
  const user = new URL(request.url, 'http://floor').searchParams.get('user');
  if (user) {
    socketsByUser.set(user, socket);
    socket.on('close', () => socketsByUser.delete(user));
  }
}

const commands = {
  async listen() {
    server = http.createServer(handleRequest);
    sockets = new WebSocket.Server({ server, perMessageDeflate: false });
    sockets.on('connection', remember);
    await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
    return { baseUrl: `http://127.0.0.1:${server.address().port}` };
  },

  // What the bare server and its sockets hold, read as a backend's is.
  memory: collectedMemoryUsage,

  // The frame every later broadcast sends: JSON text, such as a frame a
  // backend sent for a broadcast notification.
  frame({ text }) {
    frame = prebuiltFrame(text);
    return { bytes: frame.length };
  },
};

serveCommands(commands);
