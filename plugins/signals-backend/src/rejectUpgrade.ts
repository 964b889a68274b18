import { Duplex } from 'stream';

/** Ends a handshake with a bare status line that proxies pass through as is. */
export function rejectUpgrade(socket: Duplex, status: string) {
  socket.end(
    `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
    () => socket.destroy(),
  );
}
