import { Duplex } from 'stream';
import { WebSocket } from 'ws';

/**
 * A whole WebSocket text frame as a server sends it (RFC 6455 §5.2: final,
 * unmasked, no extension bits, which holds as the endpoint turns
 * `perMessageDeflate` off), header included. The hub builds each frame once
 * and writes the same bytes to every socket that receives it, where
 * `WebSocket#send` would build a header, an options object and a two-part
 * write per socket.
 */
export function textFrame(json: string): Buffer {
  const length = Buffer.byteLength(json);
  let headerLength = 2;
  if (length > 0xffff) {
    headerLength = 10;
  } else if (length > 125) {
    headerLength = 4;
  }
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (headerLength === 2) {
    frame[1] = length;
  } else if (headerLength === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(json, headerLength);
  return frame;
}

/**
 * Writes a frame from {@link textFrame} to the TCP socket under a `ws`
 * socket, which `ws` keeps as `_socket`, and answers how many bytes of that
 * socket are still queued in the process, not yet taken by the kernel (what
 * `bufferedAmount` reads). Without compression `ws` writes its own frames
 * (pings, close) to that socket straight away, never queued, so frames
 * written here keep their order with them.
 */
export function writeFrame(socket: WebSocket, frame: Buffer): number {
  const tcp = tcpSocketOf(socket);
  tcp.write(frame);
  return tcp.writableLength;
}

/** Bytes of the socket queued in the process, as {@link writeFrame} answers them. */
export function queuedBytes(socket: WebSocket): number {
  return tcpSocketOf(socket).writableLength;
}

function tcpSocketOf(socket: WebSocket): Duplex {
  return (socket as unknown as { _socket: Duplex })._socket;
}
