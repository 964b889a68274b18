import { SequencedSignal } from '../bus/types';
import { Connection } from './Connection';

/** Subscribers of one channel, indexed by each ownership ref they hold. */
type ChannelSubscribers = {
  all: Set<Connection>;
  byRef: Map<string, Set<Connection>>;
};

/** The refs a user-targeted signal goes to; any other type reaches nobody. */
function userRecipientRefs(
  recipients: SequencedSignal['recipients'],
): string[] {
  if (recipients.type !== 'user') {
    return [];
  }
  return Array.isArray(recipients.entityRef)
    ? recipients.entityRef
    : [recipients.entityRef];
}

/** Whether a connection's ownership refs make it a recipient of a signal. */
export function isRecipient(connection: Connection, signal: SequencedSignal) {
  if (signal.recipients.type === 'broadcast') {
    return true;
  }
  return userRecipientRefs(signal.recipients).some(ref =>
    connection.ownership.has(ref),
  );
}

/**
 * Which connections of this replica are subscribed to which channel, by each
 * ownership ref they hold, so finding a signal's recipients costs work in
 * proportion to the connections that receive it rather than to all of them.
 */
export class SubscriptionIndex {
  private readonly channels = new Map<string, ChannelSubscribers>();
  private count = 0;

  /** Subscriptions of all connections together. */
  get size() {
    return this.count;
  }

  add(connection: Connection, channel: string) {
    let subscribers = this.channels.get(channel);
    if (!subscribers) {
      subscribers = { all: new Set(), byRef: new Map() };
      this.channels.set(channel, subscribers);
    }
    if (subscribers.all.has(connection)) {
      return;
    }
    subscribers.all.add(connection);
    this.count++;
    for (const ref of connection.ownership) {
      let holders = subscribers.byRef.get(ref);
      if (!holders) {
        holders = new Set();
        subscribers.byRef.set(ref, holders);
      }
      holders.add(connection);
    }
  }

  remove(connection: Connection, channel: string) {
    const subscribers = this.channels.get(channel);
    if (!subscribers?.all.delete(connection)) {
      return;
    }
    this.count--;
    for (const ref of connection.ownership) {
      const holders = subscribers.byRef.get(ref);
      holders?.delete(connection);
      if (holders?.size === 0) {
        subscribers.byRef.delete(ref);
      }
    }
    if (subscribers.all.size === 0) {
      this.channels.delete(channel);
    }
  }

  /** The connections subscribed to a signal's channel that it is addressed to. */
  recipients(signal: SequencedSignal): Iterable<Connection> {
    const subscribers = this.channels.get(signal.channel);
    if (!subscribers) {
      return [];
    }
    if (signal.recipients.type === 'broadcast') {
      return subscribers.all;
    }
    const refs = userRecipientRefs(signal.recipients);
    if (refs.length === 1) {
      return subscribers.byRef.get(refs[0]) ?? [];
    }
    // A connection holding several of the recipient refs gets one frame.
    const recipients = new Set<Connection>();
    for (const ref of refs) {
      const holders = subscribers.byRef.get(ref);
      if (holders) {
        for (const connection of holders) {
          recipients.add(connection);
        }
      }
    }
    return recipients;
  }
}
