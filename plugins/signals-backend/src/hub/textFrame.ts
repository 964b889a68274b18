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
 * socket, which `ws` keeps as `_socket`. Without compression `ws` writes its
 * own frames (pings, close) to that socket straight away, never queued, so
 * frames written here keep their order with them; `bufferedAmount` counts
 * them as it reads the socket's write buffer.
 */
export function writeFrame(
  socket: WebSocket,
  frame: Buffer,
  written: (error?: Error | null) => void,
) {
  (socket as unknown as { _socket: Duplex })._socket.write(frame, written);
}
