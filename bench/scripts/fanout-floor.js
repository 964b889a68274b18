'use strict';

/*
 * The fan-out floor: a bare `ws` server in a process of its own, with no
 * authentication, subscriptions or bus. `POST /broadcast` writes one frame,
 * built once beforehand, to every connected socket. Timed by the socket
 * client exactly as a backend's broadcast is, it is what delivering one frame
 * to that many sockets costs on this machine with nothing else around it.
 * Driven by run.js over the command protocol in ipc.js.
 */
const http = require('node:http');
const WebSocket = require('ws');

const { serveCommands } = require('./ipc');

let server;
let sockets;
let frame;

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

function handleRequest(request, response) {
  if (request.method !== 'POST' || request.url !== '/broadcast' || !frame) {
    response.writeHead(404).end();
    return;
  }
  // The body is read to its end, as a backend reads a send, and not used.
  request.resume();
  request.on('end', () => {
    const count = broadcast();
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ sockets: count }));
  });
}

const commands = {
  async listen() {
    server = http.createServer(handleRequest);
    sockets = new WebSocket.Server({ server, perMessageDeflate: false });
    await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
    return { baseUrl: `http://127.0.0.1:${server.address().port}` };
  },

  // The frame every later broadcast sends: JSON text, such as a frame a
  // backend sent for a broadcast notification.
  frame({ text }) {
    frame = prebuiltFrame(text);
    return { bytes: frame.length };
  },
};

serveCommands(commands);
