import { IncomingMessage } from 'http';

const noHeaders = Object.freeze({});
const noRawHeaders: string[] = Object.freeze([]) as unknown as string[];

/**
 * Frees what the handshake of an upgraded socket no longer needs. The
 * framework's upgrade listener keeps the request and `head` reachable for as
 * long as the socket stays open (its error handler closes over both), in any
 * plugin on its WebSocket routes; per idle socket that is most of what the
 * process holds beyond `ws` itself.
 *
 * - The request's headers and its URL: every header string and the objects
 *   holding them, several hundred bytes. Nothing reads them once the upgrade
 *   is complete.
 * - `head`: an empty view on Node.js's copy of the whole handshake as read,
 *   the token included, about 1 KB. Transferring its memory away leaves the
 *   view empty, as it was. Only an empty `head` is touched: non-empty, its
 *   bytes went on to the socket's reader. Memory that other Buffers share
 *   (Node.js's Buffer pool) is marked untransferable, and Node.js copies it
 *   instead, or refuses, which leaves it as it is.
 */
export function releaseHandshake(request: IncomingMessage, head: Buffer) {
  request.headers = noHeaders;
  request.rawHeaders = noRawHeaders;
  request.rawTrailers = noRawHeaders;
  request.url = '';
  if (head.length === 0 && head.buffer.byteLength > 0) {
    try {
      structuredClone(head.buffer, { transfer: [head.buffer] });
    } catch {
      // Kept: the copy or refusal left nothing to free.
    }
  }
}
