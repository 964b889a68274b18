import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ChatPostMessageArguments,
  ChatUpdateArguments,
  ErrorCode,
  Logger,
  LogLevel,
  WebClient,
} from '@slack/web-api';
import { SlackWorkspaceConfig } from './config';

/** One Slack request may take this long before it counts as failed. */
const MAX_REQUEST_TIMEOUT_MS = 15_000;

/** Thrown instead of calling Slack while its Retry-After has not passed. */
export class SlackRateLimitedError extends Error {
  constructor(readonly retryAt: number) {
    super(
      `Slack asked to wait until ${new Date(
        retryAt,
      ).toISOString()} (Retry-After); left for a later attempt`,
    );
    this.name = 'SlackRateLimitedError';
  }
}

/** The attempt's time ran out while waiting for the configured pace. */
export class SlackPacingError extends Error {
  constructor() {
    super(
      'Slack posting rate (concurrencyLimit per throttleInterval) leaves no room before this attempt ends; left for a later attempt',
    );
    this.name = 'SlackPacingError';
  }
}

type SlackErrorShape = {
  code?: string;
  retryAfter?: number;
  data?: { error?: string };
  original?: { cause?: { code?: string }; code?: string };
};

/** The `error` of an ok:false answer, such as `channel_not_found`. */
export function platformErrorOf(error: unknown): string | undefined {
  const e = error as SlackErrorShape;
  return e?.code === ErrorCode.PlatformError ? e.data?.error : undefined;
}

/**
 * True when Slack cannot have acted on the request: a 429, an ok:false
 * answer, or a connection that was never opened. A 5xx, a timeout or a
 * dropped connection may come after Slack posted.
 */
export function certainlyNotPosted(error: unknown): boolean {
  const e = error as SlackErrorShape;
  if (
    e?.code === ErrorCode.RateLimitedError ||
    e?.code === ErrorCode.PlatformError ||
    error instanceof SlackRateLimitedError ||
    error instanceof SlackPacingError
  ) {
    return true;
  }
  const cause = e?.original?.cause?.code ?? e?.original?.code;
  return (
    e?.code === ErrorCode.RequestError &&
    (cause === 'ECONNREFUSED' || cause === 'ENOTFOUND')
  );
}

/** `ok: false` answers that report Slack's own trouble, not the request's. */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
]);

/**
 * Whether the failure passes by itself, so the outbox should retry it
 * without spending an attempt: a rate limit or the configured pace, a
 * connection that failed or timed out, a 5xx, or Slack reporting its own
 * trouble. Returns the wait Slack asked for, if any, as `retryAfterMs`.
 */
export function transientFailureOf(
  error: unknown,
  now: number = Date.now(),
): { retryAfterMs?: number } | undefined {
  if (error instanceof SlackRateLimitedError) {
    return { retryAfterMs: Math.max(0, error.retryAt - now) };
  }
  if (error instanceof SlackPacingError) {
    return {};
  }
  const e = error as SlackErrorShape & { statusCode?: number };
  switch (e?.code) {
    case ErrorCode.RateLimitedError:
      return e.retryAfter === undefined
        ? {}
        : { retryAfterMs: e.retryAfter * 1000 };
    case ErrorCode.RequestError:
      return {};
    case ErrorCode.HTTPError:
      return (e.statusCode ?? 0) >= 500 ? {} : undefined;
    case ErrorCode.PlatformError:
      return TRANSIENT_PLATFORM_ERRORS.has(e.data?.error ?? '')
        ? {}
        : undefined;
    default:
      return undefined;
  }
}

/**
 * One workspace's Web API client. Posts are paced by the configured
 * `concurrencyLimit` per `throttleInterval`, shared by every notification
 * this instance delivers; a 429 closes the workspace to all calls until its
 * Retry-After has passed. The SDK's own retries are off: failed calls go back
 * to the outbox, which retries them durably.
 */
export class SlackWorkspaceClient {
  private readonly client: WebClient;
  private readonly starts: number[] = [];
  private pacing: Promise<void> = Promise.resolve();
  private closedUntil = 0;

  /**
   * `attemptBudgetMs` also bounds each request, so that a hanging Slack does
   * not outlive the outbox attempt that made the call.
   */
  constructor(
    readonly workspace: SlackWorkspaceConfig,
    logger: LoggerService,
    attemptBudgetMs: number,
  ) {
    this.client = new WebClient(workspace.token, {
      logger: sdkLogger(logger),
      // The client appends method names to the URL as is.
      ...(workspace.apiUrl
        ? { slackApiUrl: workspace.apiUrl.replace(/\/*$/, '/') }
        : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: Math.min(MAX_REQUEST_TIMEOUT_MS, attemptBudgetMs),
    });
  }

  async postMessage(args: ChatPostMessageArguments, deadline: number) {
    await this.pace(deadline);
    const result = await this.call(() => this.client.chat.postMessage(args));
    return { channel: result.channel!, ts: result.ts! };
  }

  async updateMessage(args: ChatUpdateArguments, deadline: number) {
    await this.pace(deadline);
    await this.call(() => this.client.chat.update(args));
  }

  async lookupUserIdByEmail(email: string, deadline: number) {
    await this.waitForRetryAfter(deadline);
    try {
      const result = await this.call(() =>
        this.client.users.lookupByEmail({ email }),
      );
      return result.user?.id;
    } catch (error) {
      if (platformErrorOf(error) === 'users_not_found') {
        return undefined;
      }
      throw error;
    }
  }

  /**
   * Looks in a conversation for the message carrying `deliveryKey` in its
   * metadata, posted after `since`. Needs the history scope of the
   * conversation type; user ids are opened as their DM conversation first.
   */
  async findPosted(
    target: string,
    deliveryKey: string,
    since: number,
    deadline: number,
  ): Promise<{ channel: string; ts: string } | undefined> {
    await this.waitForRetryAfter(deadline);
    let channel = target;
    if (/^[UW][A-Z0-9]+$/.test(target)) {
      const opened = await this.call(() =>
        this.client.conversations.open({ users: target }),
      );
      channel = opened.channel?.id ?? target;
    }
    const history = await this.call(() =>
      this.client.conversations.history({
        channel,
        oldest: String(Math.floor(since / 1000) - 1),
        include_all_metadata: true,
        limit: 200,
      }),
    );
    const found = history.messages?.find(
      m =>
        (m.metadata?.event_payload as { delivery_key?: unknown } | undefined)
          ?.delivery_key === deliveryKey,
    );
    return found?.ts ? { channel, ts: found.ts } : undefined;
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      const { code, retryAfter } = error as SlackErrorShape;
      if (code === ErrorCode.RateLimitedError && retryAfter !== undefined) {
        this.closedUntil = Math.max(
          this.closedUntil,
          Date.now() + retryAfter * 1000,
        );
      }
      throw error;
    }
  }

  /**
   * Waits for Retry-After when it ends before `deadline`, else fails at once
   * so the outbox retries after its backoff rather than hold a worker slot.
   */
  private async waitForRetryAfter(deadline: number): Promise<void> {
    const wait = this.closedUntil - Date.now();
    if (wait <= 0) {
      return;
    }
    if (Date.now() + wait > deadline) {
      throw new SlackRateLimitedError(this.closedUntil);
    }
    await sleep(wait);
  }

  private async pace(deadline: number): Promise<void> {
    const turn = this.pacing.then(() => this.nextStart(deadline));
    this.pacing = turn.catch(() => {});
    await turn;
    await this.waitForRetryAfter(deadline);
  }

  private async nextStart(deadline: number): Promise<void> {
    const { concurrencyLimit, throttleIntervalMs } = this.workspace;
    for (;;) {
      const now = Date.now();
      while (this.starts.length && this.starts[0] <= now - throttleIntervalMs) {
        this.starts.shift();
      }
      if (this.starts.length < concurrencyLimit) {
        this.starts.push(now);
        return;
      }
      const wait = this.starts[0] + throttleIntervalMs - now;
      if (now + wait > deadline) {
        throw new SlackPacingError();
      }
      await sleep(wait);
    }
  }
}

/**
 * The client's own warnings repeat what a failed delivery already reports
 * through the outbox, so they go to debug; its errors stay errors.
 */
function sdkLogger(logger: LoggerService): Logger {
  const text = (msg: unknown[]) => msg.map(String).join(' ');
  return {
    debug: (...msg) => logger.debug(text(msg)),
    info: (...msg) => logger.debug(text(msg)),
    warn: (...msg) => logger.debug(text(msg)),
    error: (...msg) => logger.error(text(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.DEBUG,
    setName: () => {},
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
