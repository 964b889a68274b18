import { ConflictError, CustomErrorBase } from '@backstage/errors';
import { Knex } from 'knex';
import { createHash, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { ServedNotificationJson } from '../notificationJson';
import { Statement } from '../store/sql';
import { spec } from '../schema/openapi';
import {
  IdempotencyKeyClaim,
  IdempotencyKeyRecord,
  IdempotencyKeyStore,
} from './IdempotencyKeyStore';

/** The request header carrying the key. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** The response header telling a caller it got the stored first answer. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** Longest key accepted, in characters; the spec's router refuses longer ones. */
export const MAX_IDEMPOTENCY_KEY_LENGTH =
  spec.components.parameters.idempotencyKey.schema.maxLength;

/** How long a key keeps its first answer. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * How long an unanswered request holds its key. Longer than any send takes;
 * after a crash the key is free again once it runs out.
 */
export const IDEMPOTENCY_LEASE_MS = 5 * 60 * 1000;

/** 422: the key was used before with a different request. */
export class IdempotencyKeyReusedError extends CustomErrorBase {
  name = 'IdempotencyKeyReusedError' as const;
  statusCode = 422 as const;
}

export type IdempotentResponse = {
  status: number;
  /** The response body, serialised. */
  body: string;
  /** True when this is the stored answer of an earlier request. */
  replayed: boolean;
};

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** JSON with object keys sorted, so key order does not make bodies differ. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner) => {
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(
        Object.keys(inner)
          .sort()
          .map(key => [key, inner[key]]),
      );
    }
    return inner;
  });
}

// Asynchronous, so a large answer is packed off the event loop.
const pack = promisify(gzip);
const unpack = promisify(gunzip);

/** A send's answer before it is marked as first or replayed. */
type SendResponse = Omit<IdempotentResponse, 'replayed'>;

/**
 * The answer to a send: the stored notifications, as the router writes
 * them, or no body for a caller that asked for a minimal return.
 */
function answerOf(
  sent: ServedNotificationJson[],
  minimal: boolean,
): SendResponse {
  return minimal
    ? { status: 204, body: '' }
    : { status: 200, body: JSON.stringify(sent) };
}

/** An answer as the key's record keeps it, its body compressed. */
async function packed(answer: SendResponse) {
  return { status: answer.status, body: await pack(answer.body) };
}

function hasLapsed(record: IdempotencyKeyRecord, now: number): boolean {
  return record.state === 'done'
    ? record.expiresAt <= now
    : record.leaseUntil <= now;
}

/**
 * Stores a keyed send's answer with the send's own writes, so once its
 * notifications are committed a retry gets them, even if the replica died
 * before answering.
 */
export type SendAnswer = {
  /** Stores the answer inside the transaction that stores the send. */
  inTransaction(
    tx: Knex.Transaction,
    sent: ServedNotificationJson[],
  ): Promise<void>;
  /** The answer's write, for a send written in one batch of statements. */
  statement(sent: ServedNotificationJson[]): Promise<Statement>;
};

/**
 * Runs a send at most once per caller and key: a repeat with the same body
 * gets the first answer, a repeat with another body a 422, and a repeat while
 * the first is still running a 409. The send gets a {@link SendAnswer} to
 * store its answer in its own transaction. Failed sends free their key, as
 * they leave nothing written.
 *
 * The claim goes to the send as an argument rather than through an
 * `AsyncLocalStorage`: on Node.js 20 and 22 the first `run` of one turns on
 * async hooks for the rest of the process's life, and every promise of the
 * backend then pays for them.
 */
export class IdempotentRequests {
  private readonly now: () => number;

  constructor(
    private readonly store: IdempotencyKeyStore,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  async run(
    request: {
      principal: string;
      key: string;
      body: unknown;
      /**
       * Answers with 204 and no body (`Prefer: return=minimal`), so the
       * stored answer leaves the notifications out as well.
       */
      minimal?: boolean;
    },
    send: (answer: SendAnswer) => Promise<ServedNotificationJson[]>,
  ): Promise<IdempotentResponse> {
    const id = sha256(JSON.stringify([request.principal, request.key]));
    const requestHash = sha256(canonicalJson(request.body));
    const claimed = await this.claim(id, requestHash);
    if ('replay' in claimed) {
      return claimed.replay;
    }
    const { claim } = claimed;
    let storedWithSend:
      | { sent: ServedNotificationJson[]; answer: SendResponse }
      | undefined;
    const toStore = async (answered: ServedNotificationJson[]) => {
      const answer = answerOf(answered, request.minimal ?? false);
      storedWithSend = { sent: answered, answer };
      return packed(answer);
    };
    let sent: ServedNotificationJson[];
    try {
      sent = await send({
        inTransaction: async (tx, answered) => {
          await this.store.complete(claim, await toStore(answered), tx);
        },
        statement: async answered =>
          this.store.completeStatement(claim, await toStore(answered)),
      });
    } catch (error) {
      // A no-op if the answer was committed with the send.
      await this.store.release(claim);
      throw error;
    }
    if (storedWithSend?.sent === sent) {
      return { ...storedWithSend.answer, replayed: false };
    }
    // A send with no recipients writes nothing, so its answer is stored here.
    // If this attempt outlived its lease and another took the key over, this
    // is a no-op and the caller still gets this answer.
    const answer = answerOf(sent, request.minimal ?? false);
    await this.store.complete(claim, await packed(answer));
    return { ...answer, replayed: false };
  }

  private async claim(
    id: string,
    requestHash: string,
  ): Promise<{ claim: IdempotencyKeyClaim } | { replay: IdempotentResponse }> {
    // A key freed or expired between our insert and our read means another
    // round; more than a few rounds means something keeps racing us.
    for (let round = 0; round < 3; round++) {
      const now = this.now();
      const claim: IdempotencyKeyClaim = {
        id,
        requestHash,
        owner: randomUUID(),
        leaseUntil: now + IDEMPOTENCY_LEASE_MS,
        expiresAt: now + IDEMPOTENCY_KEY_TTL_MS,
      };
      if (await this.store.tryInsert(claim)) {
        return { claim };
      }
      const existing = await this.store.get(id);
      if (!existing) {
        continue;
      }
      if (hasLapsed(existing, now)) {
        if (await this.store.tryReclaim(existing, claim, now)) {
          return { claim };
        }
        continue;
      }
      if (existing.requestHash !== requestHash) {
        throw new IdempotencyKeyReusedError(
          `${IDEMPOTENCY_KEY_HEADER} was already used with a different request`,
        );
      }
      if (existing.state === 'in_flight') {
        throw new ConflictError(
          `A request with this ${IDEMPOTENCY_KEY_HEADER} is still in progress`,
        );
      }
      return {
        replay: {
          status: existing.responseStatus ?? 200,
          body: existing.responseBody
            ? (await unpack(existing.responseBody)).toString('utf8')
            : '',
          replayed: true,
        },
      };
    }
    throw new ConflictError(
      `A request with this ${IDEMPOTENCY_KEY_HEADER} is still in progress`,
    );
  }
}
