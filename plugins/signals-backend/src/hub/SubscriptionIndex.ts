import { SequencedSignal } from '../bus/types';
import { Connection } from './Connection';

/**
 * Subscribers of one channel, indexed by each ownership ref they hold. Most
 * refs are one user's, held by a single connection: that connection stands
 * in the map itself, and a set only when a second one holds the ref, which
 * saves a set per connection.
 */
type ChannelSubscribers = {
  /** Each subscriber and whether it wants offsets. */
  all: Map<Connection, boolean>;
  byRef: Map<string, Connection | Set<Connection>>;
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
    connection.ownership.includes(ref),
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

  /**
   * Subscribes a connection, or only turns offsets on for one already
   * subscribed: once a channel is resumed with offsets it keeps them.
   */
  add(connection: Connection, channel: string, withOffsets = false) {
    let subscribers = this.channels.get(channel);
    if (!subscribers) {
      subscribers = { all: new Map(), byRef: new Map() };
      this.channels.set(channel, subscribers);
    }
    const existing = subscribers.all.get(connection);
    if (existing !== undefined) {
      if (withOffsets && !existing) {
        subscribers.all.set(connection, true);
      }
      return;
    }
    subscribers.all.set(connection, withOffsets);
    this.count++;
    for (const ref of connection.ownership) {
      const holders = subscribers.byRef.get(ref);
      if (!holders) {
        subscribers.byRef.set(ref, connection);
      } else if (holders instanceof Set) {
        holders.add(connection);
      } else {
        subscribers.byRef.set(ref, new Set([holders, connection]));
      }
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
      if (holders === connection) {
        subscribers.byRef.delete(ref);
      } else if (holders instanceof Set) {
        holders.delete(connection);
        if (holders.size === 1) {
          subscribers.byRef.set(ref, holders.values().next().value!);
        }
      }
    }
    if (subscribers.all.size === 0) {
      this.channels.delete(channel);
    }
  }

  /**
   * Whether a connection subscribed to a channel wants offsets, or undefined
   * when it is not subscribed.
   */
  wantsOffsets(connection: Connection, channel: string): boolean | undefined {
    return this.channels.get(channel)?.all.get(connection);
  }

  /** Each subscriber of a channel and whether it wants offsets. */
  subscribersOf(channel: string): ReadonlyMap<Connection, boolean> | undefined {
    return this.channels.get(channel)?.all;
  }

  /** The connections subscribed to a signal's channel that it is addressed to. */
  recipients(signal: SequencedSignal): Iterable<Connection> {
    const subscribers = this.channels.get(signal.channel);
    if (!subscribers) {
      return [];
    }
    if (signal.recipients.type === 'broadcast') {
      return subscribers.all.keys();
    }
    const refs = userRecipientRefs(signal.recipients);
    if (refs.length === 1) {
      const holders = subscribers.byRef.get(refs[0]);
      if (holders instanceof Set) {
        return holders;
      }
      return holders ? [holders] : [];
    }
    // A connection holding several of the recipient refs gets one frame.
    const recipients = new Set<Connection>();
    for (const ref of refs) {
      const holders = subscribers.byRef.get(ref);
      if (holders instanceof Set) {
        for (const connection of holders) {
          recipients.add(connection);
        }
      } else if (holders) {
        recipients.add(holders);
      }
    }
    return recipients;
  }
}
