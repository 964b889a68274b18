import { Notification } from '@herald/plugin-notifications-common';
import { Knex } from 'knex';
import { DeliveryStore, InTransaction } from '../delivery/DeliveryStore';
import { IdempotentRequests } from './IdempotentRequests';

/**
 * The delivery store of sends that may carry an idempotency key: before the
 * transaction of a send commits, the key's answer (the notifications the send
 * returns) is written in it. A replica dying between the commit and its
 * answer then leaves a key a retry is answered from, not one it sends again.
 */
export class AnsweringDeliveryStore extends DeliveryStore {
  /** The rows each open send transaction stored so far, in order. */
  private readonly storedInTransaction = new WeakMap<
    Knex.Transaction,
    Notification[]
  >();

  constructor(knex: Knex, private readonly requests: IdempotentRequests) {
    super(knex);
  }

  override async storeBroadcast(
    options: Parameters<DeliveryStore['storeBroadcast']>[0],
  ): Promise<Notification> {
    const inTransaction: InTransaction = async (tx, stored) => {
      await options.inTransaction?.(tx, stored);
      await this.requests.answerInTransaction(tx, stored);
    };
    return super.storeBroadcast({ ...options, inTransaction });
  }

  override async transaction<T>(
    work: (tx: Knex.Transaction) => Promise<T>,
  ): Promise<T> {
    return super.transaction(async tx => {
      this.storedInTransaction.set(tx, []);
      const result = await work(tx);
      await this.requests.answerInTransaction(
        tx,
        this.storedInTransaction.get(tx) ?? [],
      );
      return result;
    });
  }

  override async storeUserNotifications(
    tx: Knex.Transaction,
    options: Parameters<DeliveryStore['storeUserNotifications']>[1],
  ): Promise<Notification[]> {
    const stored = await super.storeUserNotifications(tx, options);
    this.storedInTransaction.get(tx)?.push(...stored);
    return stored;
  }
}
