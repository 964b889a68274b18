import {
  LocalHttpServer,
  countBy,
  readRequestBody,
} from '@herald/notifications-test-utils';
import {
  IncomingHttpHeaders,
  IncomingMessage,
  ServerResponse,
} from 'node:http';
import { Webhook } from 'standardwebhooks';

/** A message the receiver verified and accepted. */
export type ReceivedWebhook = {
  webhookId: string;
  at: number;
  payload: any;
};

/** How the receiver answers a correctly signed request. */
export type ReceiverAnswer =
  | { status: 200 | 204 }
  | { status: 429; retryAfterSeconds: number }
  | { status: 400 | 500 | 503 };

/**
 * A webhook consumer as its documentation tells it to be written: it
 * verifies every request with the `standardwebhooks` library (signature and
 * timestamp tolerance) and answers 401 when that fails. `answer` can make
 * it rate-limit or fail; `stop` and `start` take it down and bring it back
 * on the same port.
 */
export class TestWebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  readonly requests: Array<{ at: number; status: number }> = [];
  answer: (requestNumber: number) => ReceiverAnswer = () => ({ status: 204 });
  private readonly verifier: Webhook;
  private readonly http = new LocalHttpServer((req, res) =>
    this.handle(req, res),
  );
  constructor(secret: string) {
    this.verifier = new Webhook(secret);
  }

  static async start(secret: string): Promise<TestWebhookReceiver> {
    const receiver = new TestWebhookReceiver(secret);
    await receiver.start();
    return receiver;
  }

  get url(): string {
    return `${this.http.origin}/hooks`;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** How many times each webhook id arrived. */
  counts(): Record<string, number> {
    return countBy(this.received.map(({ webhookId }) => webhookId));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const body = await readRequestBody(req);
    const at = Date.now();
    const respond = (status: number, headers: Record<string, string> = {}) => {
      this.requests.push({ at, status });
      res.writeHead(status, headers);
      res.end();
    };
    let payload: any;
    try {
      payload = this.verifier.verify(body, headersOf(req.headers));
    } catch {
      respond(401);
      return;
    }
    const answer = this.answer(this.requests.length + 1);
    if (answer.status === 429) {
      respond(429, { 'Retry-After': String(answer.retryAfterSeconds) });
      return;
    }
    if (answer.status >= 300) {
      respond(answer.status);
      return;
    }
    this.received.push({
      webhookId: String(req.headers['webhook-id']),
      at,
      payload,
    });
    respond(answer.status);
  }
}

function headersOf(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') {
      flat[name] = value;
    }
  }
  return flat;
}
