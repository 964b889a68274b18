import { Knex } from 'knex';
import { Statement } from '../store/sql';

const TABLE = 'notification_idempotency_key';

function completion(
  knex: Knex,
  claim: IdempotencyKeyClaim,
  response: { status: number; body: Buffer },
) {
  return knex(TABLE)
    .where({ id: claim.id, owner: claim.owner, state: 'in_flight' })
    .update({
      state: 'done',
      response_status: response.status,
      response_body: response.body,
    });
}

/** A request holding a key, or the answer it gave. */
export type IdempotencyKeyState = 'in_flight' | 'done';

export type IdempotencyKeyRecord = {
  /** Hash of caller and key. */
  id: string;
  requestHash: string;
  state: IdempotencyKeyState;
  /** Random per attempt, so only the attempt holding the key completes it. */
  owner: string;
  /** Epoch ms after which an in-flight claim counts as abandoned. */
  leaseUntil: number;
  /** Epoch ms after which the key is free again. */
  expiresAt: number;
  responseStatus?: number;
  /** The response body, gzipped. */
  responseBody?: Buffer;
};

export type IdempotencyKeyClaim = Pick<
  IdempotencyKeyRecord,
  'id' | 'requestHash' | 'owner' | 'leaseUntil' | 'expiresAt'
>;

type Row = {
  id: string;
  request_hash: string;
  state: IdempotencyKeyState;
  owner: string;
  lease_until: number | string;
  expires_at: number | string;
  response_status: number | null;
  response_body: Buffer | null;
};

function toRecord(row: Row): IdempotencyKeyRecord {
  return {
    id: row.id,
    requestHash: row.request_hash,
    state: row.state,
    owner: row.owner,
    // PostgreSQL returns bigint columns as strings.
    leaseUntil: Number(row.lease_until),
    expiresAt: Number(row.expires_at),
    responseStatus: row.response_status ?? undefined,
    responseBody: row.response_body ?? undefined,
  };
}

function claimColumns(claim: IdempotencyKeyClaim) {
  return {
    request_hash: claim.requestHash,
    state: 'in_flight' as IdempotencyKeyState,
    owner: claim.owner,
    lease_until: claim.leaseUntil,
    expires_at: claim.expiresAt,
    response_status: null,
    response_body: null,
  };
}

/** Owns the SQL of the idempotency keys of sends. */
export class IdempotencyKeyStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Claims a key nobody holds. The primary key decides between concurrent
   * claims on every replica: exactly one insert succeeds.
   */
  async tryInsert(claim: IdempotencyKeyClaim): Promise<boolean> {
    try {
      await this.knex(TABLE).insert({ id: claim.id, ...claimColumns(claim) });
      return true;
    } catch (error) {
      // Each database words a duplicate key differently; the row tells.
      if (await this.get(claim.id)) {
        return false;
      }
      throw error;
    }
  }

  async get(id: string): Promise<IdempotencyKeyRecord | undefined> {
    const row: Row | undefined = await this.knex(TABLE).where({ id }).first();
    return row ? toRecord(row) : undefined;
  }

  /**
   * Takes over a key whose holder gave up (its lease ran out) or whose answer
   * expired, provided the row is still as `lapsed` describes it, so two
   * replicas cannot both take it.
   */
  async tryReclaim(
    lapsed: IdempotencyKeyRecord,
    claim: IdempotencyKeyClaim,
    now: number,
  ): Promise<boolean> {
    const updated = await this.knex(TABLE)
      .where({ id: lapsed.id, owner: lapsed.owner, state: lapsed.state })
      .where(lapsed.state === 'done' ? 'expires_at' : 'lease_until', '<=', now)
      .update(claimColumns(claim));
    return Number(updated) === 1;
  }

  /**
   * Stores the answer of the attempt holding the key; in `tx` when given, so
   * it commits with the send.
   */
  async complete(
    claim: IdempotencyKeyClaim,
    response: { status: number; body: Buffer },
    tx: Knex = this.knex,
  ): Promise<boolean> {
    const updated = await completion(tx, claim, response);
    return Number(updated) === 1;
  }

  /** {@link IdempotencyKeyStore.complete} as a statement for the caller to run. */
  completeStatement(
    claim: IdempotencyKeyClaim,
    response: { status: number; body: Buffer },
  ): Statement {
    const { sql, bindings } = completion(this.knex, claim, response).toSQL();
    return { sql, bindings };
  }

  /** Frees a key whose request failed, so the caller can try again. */
  async release(claim: IdempotencyKeyClaim): Promise<void> {
    await this.knex(TABLE)
      .where({ id: claim.id, owner: claim.owner, state: 'in_flight' })
      .delete();
  }

  /** Deletes keys that expired at or before `now`; returns how many. */
  async deleteExpired(now: number): Promise<number> {
    return Number(
      await this.knex(TABLE).where('expires_at', '<=', now).delete(),
    );
  }
}
