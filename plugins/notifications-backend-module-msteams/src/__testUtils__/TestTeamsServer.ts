import {
  LocalHttpServer,
  readRequestBody,
} from '@herald/notifications-test-utils';
import { IncomingMessage, ServerResponse } from 'node:http';

/** One card a channel received. */
export type ReceivedCard = {
  channel: string;
  at: number;
  title: string;
  body: any;
};

/** How the endpoint answers the next request to a channel. */
export type TeamsAnswer =
  | { status: 202 }
  | { status: 429; retryAfterSeconds: number }
  | { status: 500 | 502 | 503 }
  | { status: 404 };

/**
 * A stand-in for Power Automate's Workflows webhook trigger: every path is a
 * channel, a well-formed "post card" message is accepted with 202 and an
 * empty body, a malformed one is refused with 400. `answer` can make it
 * rate-limit or fail; `stop` and `start` take it down and bring it back on
 * the same port.
 */
export class TestTeamsServer {
  readonly received: ReceivedCard[] = [];
  /** Every request, with its status, in arrival order. */
  readonly requests: Array<{ channel: string; at: number; status: number }> =
    [];
  answer: (channel: string, requestNumber: number) => TeamsAnswer = () => ({
    status: 202,
  });
  private readonly http = new LocalHttpServer((req, res) =>
    this.handle(req, res),
  );

  static async start(): Promise<TestTeamsServer> {
    const server = new TestTeamsServer();
    await server.start();
    return server;
  }

  get port(): number {
    return this.http.port;
  }

  url(channel: string): string {
    return `${this.http.origin}/${channel}`;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  cardsFor(channel: string): ReceivedCard[] {
    return this.received.filter(card => card.channel === channel);
  }

  async waitFor(count: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) {
        throw new Error(
          `Got ${this.received.length} of ${count} cards in ${timeoutMs} ms`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 25));
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const text = await readRequestBody(req);
    const channel = (req.url ?? '/').slice(1);
    const at = Date.now();
    const requestNumber =
      this.requests.filter(r => r.channel === channel).length + 1;
    const respond = (status: number, headers: Record<string, string> = {}) => {
      this.requests.push({ channel, at, status });
      res.writeHead(status, headers);
      res.end(
        status >= 400
          ? JSON.stringify({ error: { code: String(status) } })
          : '',
      );
    };
    if (req.method !== 'POST') {
      respond(405);
      return;
    }
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      respond(400);
      return;
    }
    const card = body?.attachments?.[0];
    if (
      body?.type !== 'message' ||
      card?.contentType !== 'application/vnd.microsoft.card.adaptive' ||
      card?.content?.type !== 'AdaptiveCard'
    ) {
      respond(400);
      return;
    }
    const answer = this.answer(channel, requestNumber);
    if (answer.status === 429) {
      respond(429, { 'Retry-After': String(answer.retryAfterSeconds) });
      return;
    }
    if (answer.status !== 202) {
      respond(answer.status);
      return;
    }
    this.received.push({
      channel,
      at,
      title: card.content.body[0].inlines[0].text,
      body,
    });
    respond(202);
  }
}
