import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  Notification,
  NotificationReason,
  NotificationSendOptions,
  WEB_NOTIFICATION_CHANNEL,
} from '@herald/plugin-notifications-common';
import {
  NotificationProcessor,
  NotificationRecipientReasons,
  NotificationRecipientResolver,
} from '@herald/plugin-notifications-node';
import { SignalPayload, SignalsService } from '@herald/plugin-signals-node';
import { Knex } from 'knex';
// Awaited after starting a write, so the query has gone out to the database
// before this thread takes up other work: knex hands a query to the driver
// only after a few promise steps, which work begun at once would hold back.
import { setImmediate as queryDispatched } from 'node:timers/promises';
import {
  ServedNotificationJson,
  notificationToJson,
} from '../notificationJson';
import { SendAnswer } from '../idempotency';
import { OutboxDelivery, OutboxStore } from '../outbox';
import { ChannelCheck, NotificationProcessors } from '../processing';
import { DefaultNotificationSettingsService } from '../settings';
import { NotificationSignals } from '../signals/NotificationSignals';
import {
  NotificationContent,
  NotificationWriter,
} from '../store/NotificationWriter';
import {
  RowsInsert,
  runWritesInTransaction,
  runWritesTogether,
} from '../store/sql';
import { timeOrderedUuid } from '../store/ids';
import {
  assertFits,
  toNotificationContent,
  validateSendOptions,
} from './validation';

export type NotificationSenderOptions = {
  /** The database each send is stored in, in one transaction. */
  knex: Knex;
  writer: NotificationWriter;
  signals: SignalsService;
  recipientResolver: NotificationRecipientResolver;
  appBaseUrl: string;
  logger: LoggerService;
  processors: NotificationProcessors;
  settings: Pick<DefaultNotificationSettingsService, 'getRecipientChannels'>;
  outbox: OutboxStore;
  /** Called after a send committed outbox jobs, so they go out right away. */
  wakeOutbox: () => void;
};

/** What a send does beside its writes, as its caller asked. */
type SendHooks = {
  /** Stores a keyed send's answer with its notifications. */
  answer?: SendAnswer;
  wakeOutbox: () => void;
  whileWriting: (sent: ServedNotificationJson[]) => void;
};

/** One recipient's notification after preProcess, and where it goes. */
type PreparedNotification = {
  notification: Notification;
  web: boolean;
  postProcessors: string[];
};

/**
 * Recipients handled together: preProcess runs for this many at a time, and
 * their rows and outbox jobs are written in one go, so a send's memory and
 * statement sizes stay bounded whatever its recipient count.
 */
const RECIPIENT_BATCH = 2000;

function batches<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    result.push(items.slice(i, i + size));
  }
  return result;
}

/**
 * The outbox deliveries of prepared notifications: the stored notification
 * where there is one, the prepared one for users who turned the Web channel
 * off, as they still get the other channels. The writer stores the drafts
 * in the order given, so the stored notifications follow the prepared ones
 * that go to the Web channel: paired by position, a batch needs no lookup
 * table of its users.
 */
function outboxDeliveries(
  prepared: PreparedNotification[],
  stored: Notification[],
): OutboxDelivery[] {
  let next = 0;
  return prepared.map(p => {
    let notification = p.notification;
    if (p.web) {
      notification = stored[next++];
      if (notification?.user !== p.notification.user) {
        throw new Error('Stored notifications out of order with their drafts');
      }
    }
    return { notification, processors: p.postProcessors };
  });
}

function withPostProcess(processors: NotificationProcessor[]): string[] {
  return processors.filter(p => p.postProcess).map(p => p.getName());
}

function toArray(value: string | string[] | undefined): string[] {
  if (value === undefined) {
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

/** A user ref in its normal form, or undefined for anything but a user ref. */
function normalUserRef(ref: string): string | undefined {
  if (!ref) {
    return undefined;
  }
  try {
    const entityRef = parseEntityRef(ref);
    return entityRef.kind.toLocaleLowerCase('en-US') === 'user'
      ? stringifyEntityRef(entityRef)
      : undefined;
  } catch {
    // A resolver may return refs it could not make sense of; they reach nobody.
    return undefined;
  }
}

/**
 * {@link normalUserRef} remembered for one send: a resolver names each user
 * in its refs and again in its reasons, so each ref is parsed once.
 */
function userRefNormaliser(): (ref: string) => string | undefined {
  const known = new Map<string, string | undefined>();
  return ref => {
    if (known.has(ref)) {
      return known.get(ref);
    }
    const user = normalUserRef(ref);
    known.set(ref, user);
    return user;
  };
}

/**
 * User refs of the resolved recipients, normalised and without duplicates.
 * Exclusions are the resolver's to apply, as upstream's are.
 */
function uniqueUserRefs(
  refs: string[],
  normal: (ref: string) => string | undefined,
): string[] {
  const users = new Set<string>();
  for (const ref of refs) {
    const user = normal(ref);
    if (user) {
      users.add(user);
    }
  }
  return [...users];
}

/** The reasons of a user named directly and for nothing else, shared. */
const DIRECT_ONLY = Object.freeze([
  Object.freeze({ type: 'direct' as const }),
]) as NotificationReason[];

/**
 * Each user's reasons as the resolver reported them. A resolver that reports
 * none (any upstream-shaped one) still tells who was named directly. The
 * reported arrays are shared, not copied: nothing changes them after this.
 */
function reasonsByUser(
  entityRefs: string[],
  reported: NotificationRecipientReasons | undefined,
  normal: (ref: string) => string | undefined,
): Map<string, NotificationReason[]> {
  const reasons = new Map<string, NotificationReason[]>();
  if (reported) {
    for (const ref of Object.keys(reported)) {
      const userReasons = reported[ref];
      const user = normal(ref);
      if (user && Array.isArray(userReasons) && userReasons.length > 0) {
        const earlier = reasons.get(user);
        reasons.set(user, earlier ? earlier.concat(userReasons) : userReasons);
      }
    }
  }
  for (const ref of entityRefs) {
    const user = normal(ref);
    if (!user) {
      continue;
    }
    const userReasons = reasons.get(user);
    if (!userReasons) {
      reasons.set(user, DIRECT_ONLY);
    } else if (!userReasons.some(reason => reason.type === 'direct')) {
      reasons.set(user, [{ type: 'direct' }, ...userReasons]);
    }
  }
  return reasons;
}

/**
 * Validates a send, stores every resulting row in one transaction and
 * announces it with a single signal.
 */
export class NotificationSender {
  private readonly signals: NotificationSignals;

  constructor(private readonly options: NotificationSenderOptions) {
    this.signals = new NotificationSignals(options);
  }

  /**
   * processOptions, validation, recipients, settings of every recipient in
   * one query, preProcess, then rows and outbox jobs in one transaction, one
   * signal, and a wake-up for the outbox worker. postProcess runs later, from
   * the outbox, so it never holds up the response.
   */
  async send(request: {
    origin: string;
    options: NotificationSendOptions;
    /** Stores a keyed send's answer with its notifications. */
    answer?: SendAnswer;
    /**
     * Defers the outbox's wake-up until the caller has answered. The
     * outbox's first deliveries (postProcess, an e-mail's rendering) run on
     * this thread, and woken at once they ran beside the answer's JSON and
     * compression and held it up. Without it, the outbox wakes as the send
     * returns.
     */
    afterAnswer?: (wake: () => void) => void;
    /**
     * Called with the send's notifications in their wire shape while its
     * last write runs, so the caller can ready its answer (its JSON) before
     * the commit rather than after it. A send that writes in another way
     * (a scoped broadcast) does not call it. Its failure is logged and
     * does not fail the send, which may be stored by then.
     */
    whileWriting?: (sent: ServedNotificationJson[]) => void;
  }): Promise<ServedNotificationJson[]> {
    const { origin, answer, afterAnswer, whileWriting } = request;
    const hooks: SendHooks = {
      answer,
      whileWriting: sent => {
        try {
          whileWriting?.(sent);
        } catch (error) {
          this.options.logger.warn(
            `The caller of a send failed while it was written: ${error}`,
          );
        }
      },
      wakeOutbox: () =>
        afterAnswer
          ? afterAnswer(this.options.wakeOutbox)
          : this.options.wakeOutbox(),
    };
    const options = await this.options.processors.processOptions(
      request.options,
    );
    const content = validateSendOptions(
      options,
      origin,
      this.options.appBaseUrl,
    );
    const now = new Date();

    if (options.recipients.type === 'broadcast') {
      return await this.sendBroadcast(origin, options, content, now, hooks);
    }
    if (options.recipients.type === 'entity') {
      return await this.sendToEntities(origin, options, content, now, hooks);
    }
    throw new InputError('Invalid recipients type');
  }

  private async sendBroadcast(
    origin: string,
    options: NotificationSendOptions,
    content: NotificationContent,
    now: Date,
    { answer, wakeOutbox, whileWriting }: SendHooks,
  ): Promise<ServedNotificationJson[]> {
    const { processors } = this.options;
    const selected = processors.select(content, { broadcast: true });
    const prepared = await processors.preProcess(
      selected,
      this.draft(null, origin, { ...content }, now),
      options,
    );
    const postProcessors = withPostProcess(selected);
    const draft = {
      id: prepared.id,
      origin,
      content: toNotificationContent(prepared.payload, content),
      now,
    };
    let sent: ServedNotificationJson[];
    if (draft.content.scope) {
      sent = await this.options.knex.transaction(async tx => {
        const notification = await this.options.writer.storeBroadcast(
          tx,
          draft,
        );
        await this.options.outbox
          .openSend(tx, options)
          .add([{ notification, processors: postProcessors }]);
        return await this.sentJson(tx, [notification], answer);
      });
    } else {
      const { notification, writes } =
        this.options.writer.unscopedBroadcastWrites(draft);
      ({ sent } = await this.writeInOneGo(
        options,
        [notification],
        writes,
        [{ notification, processors: postProcessors }],
        answer,
        whileWriting,
      ));
    }
    await this.signals.publishBroadcast(sent[0]);
    if (postProcessors.length > 0) {
      wakeOutbox();
    }
    return sent;
  }

  private async sendToEntities(
    origin: string,
    options: NotificationSendOptions,
    content: NotificationContent,
    now: Date,
    { answer, wakeOutbox, whileWriting }: SendHooks,
  ): Promise<ServedNotificationJson[]> {
    const recipients = options.recipients as Extract<
      NotificationSendOptions['recipients'],
      { type: 'entity' }
    >;
    const entityRefs = toArray(recipients.entityRef);
    const excludedEntityRefs = toArray(recipients.excludeEntityRef);
    const normal = userRefNormaliser();
    let resolved: string[];
    let reasons: Map<string, NotificationReason[]>;
    try {
      const result: {
        userEntityRefs: string[];
        reasons?: NotificationRecipientReasons;
      } = await this.options.recipientResolver.resolveNotificationRecipients({
        entityRefs,
        excludedEntityRefs,
      });
      resolved = result.userEntityRefs;
      reasons = reasonsByUser(entityRefs, result.reasons, normal);
    } catch (error) {
      throw new InputError('Failed to send user notifications', error);
    }
    const users = uniqueUserRefs(resolved, normal);
    if (users.length === 0) {
      return [];
    }
    for (const user of users) {
      assertFits('user', user);
    }

    const channels = await this.options.settings.getRecipientChannels(
      users,
      origin,
      content.topic,
    );
    const prepareBatch = (batch: string[]) =>
      Promise.all(
        batch.map(user =>
          this.prepare(user, origin, options, content, now, channel =>
            channels.isEnabled(user, channel),
          ),
        ),
      );
    const userBatches = batches(users, RECIPIENT_BATCH);
    // preProcess may call other services, so it runs before the transaction
    // opens, as does all the work of a one-batch send, which then holds a
    // connection only for its writes. Otherwise each batch is prepared just
    // before it is stored, so a large send's memory stays bounded.
    const preparedUpfront: Array<PreparedNotification[] | undefined> = [];
    if (this.options.processors.anyPreProcess() || userBatches.length === 1) {
      for (const batch of userBatches) {
        preparedUpfront.push(await prepareBatch(batch));
      }
    }
    const toDrafts = (prepared: PreparedNotification[]) =>
      prepared
        .filter(p => p.web)
        .map(p => ({
          id: p.notification.id,
          user: p.notification.user!,
          content:
            p.notification.payload === content
              ? content
              : toNotificationContent(p.notification.payload, content),
          reasons: reasons.get(p.notification.user!),
        }));

    let written: {
      sent: ServedNotificationJson[];
      jobCount: number;
      signal: SignalPayload | undefined;
    };
    const onlyBatch = userBatches.length === 1 ? preparedUpfront[0] : undefined;
    const onlyDrafts = onlyBatch && toDrafts(onlyBatch);
    if (
      onlyBatch &&
      onlyDrafts &&
      !onlyDrafts.some(draft => draft.content.scope)
    ) {
      const { notifications, writes } =
        this.options.writer.unscopedUserNotificationWrites({
          origin,
          drafts: onlyDrafts,
          now,
        });
      written = await this.writeInOneGo(
        options,
        notifications,
        writes,
        outboxDeliveries(onlyBatch, notifications),
        answer,
        sent => {
          whileWriting(sent);
          return this.signals.usersSignal(sent);
        },
      );
    } else {
      written = await this.options.knex.transaction(async tx => {
        const outbox = this.options.outbox.openSend(tx, options);
        const sent: ServedNotificationJson[] = [];
        // At most one batch's writes run while the next batch is prepared:
        // the database stores one while this thread readies the other.
        let writing: Promise<void> | undefined;
        for (const [index, batch] of userBatches.entries()) {
          const prepared =
            preparedUpfront[index] ?? (await prepareBatch(batch));
          preparedUpfront[index] = undefined;
          const drafts = toDrafts(prepared);
          let stored: Notification[];
          if (drafts.some(draft => draft.content.scope)) {
            // A scoped draft reads its user's earlier notification first.
            await writing;
            writing = undefined;
            stored = await this.options.writer.storeUserNotifications(tx, {
              origin,
              now,
              drafts,
            });
            await outbox.add(outboxDeliveries(prepared, stored));
          } else {
            const unscoped = this.options.writer.unscopedUserNotificationWrites(
              { origin, now, drafts },
            );
            stored = unscoped.notifications;
            const writes = [
              ...unscoped.writes,
              ...outbox.writes(outboxDeliveries(prepared, stored)),
            ];
            await writing;
            writing = runWritesInTransaction(tx, writes);
            // Its failure fails the send at the next await of `writing`.
            writing.catch(() => {});
            await queryDispatched();
          }
          for (const notification of stored) {
            sent.push(notificationToJson(notification));
          }
        }
        // While the last batch is written, unless it was scoped and is done.
        whileWriting(sent);
        const signal = this.signals.usersSignal(sent);
        await writing;
        await answer?.inTransaction(tx, sent);
        return { sent, jobCount: outbox.jobCount, signal };
      });
    }
    await this.signals.publishBuilt(written.signal);
    if (written.jobCount > 0) {
      wakeOutbox();
    }
    return written.sent;
  }

  /**
   * Writes a send whose rows replace nothing (one batch of unscoped
   * notifications, or an unscoped broadcast), its outbox jobs and a keyed
   * send's answer together: one round trip for the whole write on PostgreSQL
   * and SQLite, where a transaction takes five (see `runWritesTogether`).
   * `whileWriting` builds what is published once the write is done (the
   * send's signal) while the database writes, rather than after.
   */
  private async writeInOneGo<Signal>(
    options: NotificationSendOptions,
    notifications: Notification[],
    writes: RowsInsert[],
    deliveries: OutboxDelivery[],
    answer: SendAnswer | undefined,
    whileWriting: (sent: ServedNotificationJson[]) => Signal,
  ): Promise<{
    sent: ServedNotificationJson[];
    jobCount: number;
    signal: Signal;
  }> {
    const outbox = this.options.outbox.sendWrites(options, deliveries);
    const sent = notifications.map(notificationToJson);
    const answerWrite = await answer?.statement(sent);
    const writing = runWritesTogether(this.options.knex, [
      ...writes,
      ...outbox.writes,
      ...(answerWrite ? [answerWrite] : []),
    ]);
    writing.catch(() => {});
    await queryDispatched();
    let signal: Signal;
    try {
      signal = whileWriting(sent);
    } finally {
      await writing;
    }
    return { sent, jobCount: outbox.jobCount, signal };
  }

  /**
   * The send's notifications in their wire shape, turned into JSON once for
   * the response, the signal and a keyed send's stored answer, which is
   * written in the send's transaction.
   */
  private async sentJson(
    tx: Knex.Transaction,
    stored: Notification[],
    answer: SendAnswer | undefined,
  ): Promise<ServedNotificationJson[]> {
    const sent = stored.map(notificationToJson);
    await answer?.inTransaction(tx, sent);
    return sent;
  }

  private async prepare(
    user: string,
    origin: string,
    options: NotificationSendOptions,
    content: NotificationContent,
    now: Date,
    channelEnabled: ChannelCheck,
  ): Promise<PreparedNotification> {
    const { processors } = this.options;
    const selected = processors.select(content, { channelEnabled });
    const web = channelEnabled(WEB_NOTIFICATION_CHANNEL);
    const postProcessors = withPostProcess(selected);
    if (!selected.some(p => p.preProcess)) {
      // Nothing may change it, so every recipient shares the send's content.
      return {
        notification: this.draft(user, origin, content, now),
        web,
        postProcessors,
      };
    }
    const draft = this.draft(user, origin, { ...content }, now);
    const notification = await processors.preProcess(selected, draft, options);
    return {
      // Identity is the pipeline's, whatever a processor returned.
      notification: { ...notification, id: draft.id, user, origin },
      web,
      postProcessors,
    };
  }

  private draft(
    user: string | null,
    origin: string,
    payload: NotificationContent,
    now: Date,
  ): Notification {
    return {
      // Time-ordered, so a send's rows are appended to the primary-key index.
      id: timeOrderedUuid(now.getTime()),
      user,
      origin,
      created: now,
      payload,
    };
  }
}
