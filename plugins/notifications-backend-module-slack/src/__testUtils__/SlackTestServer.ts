import { LocalHttpServer } from '@herald/notifications-test-utils';
import { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';

/** A message as the server stored it. */
export type StoredMessage = {
  channel: string;
  ts: string;
  text?: string;
  username?: string;
  attachments?: any[];
  blocks?: any[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  edits: number;
};

/** What the next matching request gets instead of a normal answer. */
export type Fault =
  | { method?: string; kind: 'rate-limited'; retryAfter: number }
  | { method?: string; kind: 'server-error' }
  /** Acts on the request, then answers 500, as after a lost response. */
  | { method?: string; kind: 'server-error-after-acting' }
  | { method?: string; kind: 'hang-up' };

export type RateLimits = {
  /** chat.postMessage per channel per second (Slack: about 1). */
  perChannelPerSecond?: number;
  /** chat.postMessage per workspace per minute. */
  workspacePerMinute?: number;
};

/** `at` is when the request arrived. */
export type CallRecord = { method: string; at: number; status: number };

/**
 * A local stand-in for the Slack Web API speaking the subset Herald uses:
 * chat.postMessage, chat.update, users.lookupByEmail, conversations.open and
 * conversations.history, with form or JSON bodies and Bearer tokens as the
 * official client sends them. Faults and rate limits are injected per test.
 */
export class SlackTestServer {
  readonly messages: StoredMessage[] = [];
  readonly calls: CallRecord[] = [];
  readonly faults: Fault[] = [];
  rateLimits: RateLimits = {};
  /** How long each answer takes, so that requests of several instances overlap. */
  delayMs = 0;
  private readonly http = new LocalHttpServer((req, res) =>
    this.handle(req, res),
  );
  private tsCounter = 0;
  private readonly recentPosts: Array<{ channel: string; at: number }> = [];

  constructor(
    private readonly options: {
      token: string;
      usersByEmail?: Record<string, string>;
      channelsByName?: Record<string, string>;
    },
  ) {}

  get url(): string {
    return `${this.http.origin}/api/`;
  }

  start(): Promise<void> {
    return this.http.start();
  }

  /** Stops listening; the port is kept so `start` brings it back there. */
  stop(): Promise<void> {
    return this.http.stop();
  }

  /** Messages carrying a Herald delivery key, counted per notification and channel. */
  postsPer(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of this.messages) {
      const id = m.metadata?.event_payload.notification_id;
      const key = `${String(id)} ${m.channel}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const arrived = Date.now();
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
    const raw = await new Promise<string>(resolve => {
      let body = '';
      req.on('data', chunk => {
        body += chunk;
      });
      req.on('end', () => resolve(body));
    });
    const args = parseBody(req.headers['content-type'], raw);
    if (this.delayMs > 0) {
      await new Promise(resolve => setTimeout(resolve, this.delayMs));
    }
    const answer = (status: number, body: object, headers = {}) => {
      this.calls.push({ method, at: arrived, status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };

    const faultIndex = this.faults.findIndex(
      f => !f.method || f.method === method,
    );
    const fault =
      faultIndex >= 0 ? this.faults.splice(faultIndex, 1)[0] : undefined;
    if (fault?.kind === 'hang-up') {
      this.calls.push({ method, at: arrived, status: 0 });
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'rate-limited') {
      answer(
        429,
        { ok: false, error: 'ratelimited' },
        {
          'retry-after': String(fault.retryAfter),
        },
      );
      return;
    }
    if (fault?.kind === 'server-error') {
      answer(500, { ok: false, error: 'internal_error' });
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.options.token}`) {
      answer(200, { ok: false, error: 'invalid_auth' });
      return;
    }
    if (method === 'chat.postMessage') {
      const retryAfter = this.rateLimitedFor(args.channel);
      if (retryAfter !== undefined) {
        answer(
          429,
          { ok: false, error: 'ratelimited' },
          {
            'retry-after': String(retryAfter),
          },
        );
        return;
      }
    }
    const result = this.act(method, args);
    if (fault?.kind === 'server-error-after-acting') {
      answer(500, { ok: false, error: 'internal_error' });
      return;
    }
    answer(200, result);
  }

  private act(method: string, args: Record<string, any>): object {
    switch (method) {
      case 'chat.postMessage': {
        const channel = this.conversationOf(String(args.channel ?? ''));
        if (!channel) {
          return { ok: false, error: 'channel_not_found' };
        }
        if (!args.text && !args.blocks && !args.attachments) {
          return { ok: false, error: 'no_text' };
        }
        this.tsCounter += 1;
        const ts = `${Math.floor(Date.now() / 1000)}.${String(
          this.tsCounter,
        ).padStart(6, '0')}`;
        const message: StoredMessage = {
          channel,
          ts,
          text: args.text,
          username: args.username,
          attachments: json(args.attachments),
          blocks: json(args.blocks),
          metadata: json(args.metadata),
          edits: 0,
        };
        this.messages.push(message);
        this.recentPosts.push({ channel, at: Date.now() });
        return { ok: true, channel, ts, message: { ts, text: args.text } };
      }
      case 'chat.update': {
        const message = this.messages.find(
          m => m.channel === args.channel && m.ts === args.ts,
        );
        if (!message) {
          return { ok: false, error: 'message_not_found' };
        }
        message.text = args.text;
        message.attachments = json(args.attachments);
        message.blocks = json(args.blocks);
        message.edits += 1;
        return { ok: true, channel: message.channel, ts: message.ts };
      }
      case 'users.lookupByEmail': {
        const id = this.options.usersByEmail?.[String(args.email)];
        return id
          ? { ok: true, user: { id, profile: { email: args.email } } }
          : { ok: false, error: 'users_not_found' };
      }
      case 'conversations.open': {
        const user = String(args.users ?? '');
        return /^[UW]/.test(user)
          ? { ok: true, channel: { id: `D${user}` } }
          : { ok: false, error: 'user_not_found' };
      }
      case 'conversations.history': {
        const oldest = Number(args.oldest ?? 0);
        const include = String(args.include_all_metadata) === 'true';
        return {
          ok: true,
          has_more: false,
          messages: this.messages
            .filter(m => m.channel === args.channel && Number(m.ts) >= oldest)
            .reverse()
            .map(m => ({
              type: 'message',
              ts: m.ts,
              text: m.text,
              ...(include && m.metadata ? { metadata: m.metadata } : {}),
            })),
        };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** User ids post to their DM; channel names must be known. */
  private conversationOf(target: string): string | undefined {
    if (/^[UW][A-Z0-9]+$/.test(target)) {
      return `D${target}`;
    }
    if (/^[CGD][A-Z0-9]+$/.test(target)) {
      return target;
    }
    return this.options.channelsByName?.[target.replace(/^#/, '')];
  }

  private rateLimitedFor(target: unknown): number | undefined {
    const { perChannelPerSecond, workspacePerMinute } = this.rateLimits;
    const now = Date.now();
    while (this.recentPosts.length && this.recentPosts[0].at <= now - 60_000) {
      this.recentPosts.shift();
    }
    if (workspacePerMinute && this.recentPosts.length >= workspacePerMinute) {
      return Math.ceil((this.recentPosts[0].at + 60_000 - now) / 1000);
    }
    const channel = this.conversationOf(String(target ?? ''));
    if (perChannelPerSecond && channel) {
      const inLastSecond = this.recentPosts.filter(
        p => p.channel === channel && p.at > now - 1000,
      ).length;
      if (inLastSecond >= perChannelPerSecond) {
        return 1;
      }
    }
    return undefined;
  }
}

function parseBody(
  contentType: string | undefined,
  raw: string,
): Record<string, any> {
  if (contentType?.includes('application/json')) {
    return raw ? JSON.parse(raw) : {};
  }
  return parseQuery(raw) as Record<string, any>;
}

/** Form bodies carry nested values as JSON strings. */
function json(value: unknown): any {
  if (typeof value !== 'string') {
    return value;
  }
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
