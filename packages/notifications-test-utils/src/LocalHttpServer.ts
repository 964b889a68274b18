import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * An HTTP server on loopback for a stand-in receiver. `stop` drops every
 * connection, as a crashed receiver would, and `start` brings it back on the
 * same port, so a backend configured with its URL reaches it again.
 */
export class LocalHttpServer {
  private server?: Server;
  private portNumber = 0;

  constructor(
    private readonly handle: (
      req: IncomingMessage,
      res: ServerResponse,
    ) => void,
  ) {}

  get port(): number {
    return this.portNumber;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.portNumber}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.portNumber, '127.0.0.1', () => resolve());
    });
    this.portNumber = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) {
      return;
    }
    server.closeAllConnections();
    await new Promise<void>(resolve => server.close(() => resolve()));
  }
}

/** The whole request body as text. */
export async function readRequestBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
