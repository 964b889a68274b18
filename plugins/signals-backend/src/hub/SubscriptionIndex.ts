import { SequencedSignal } from '../bus/types';
import { Connection } from './Connection';

/**
 * Subscribers of one channel, each in one of two sets by whether it wants
 * offsets: a set entry costs two thirds of a map entry's memory. `name` is
 * the one copy of the channel's name that every subscriber's list refers to.
 */
type ChannelSubscribers = {
  name: string;
  plain: Set<Connection>;
  withOffsets: Set<Connection>;
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
export function isRecipient(
  connection: Connection,
  signal: Pick<SequencedSignal, 'recipients'>,
) {
  if (signal.recipients.type === 'broadcast') {
    return true;
  }
  return userRecipientRefs(signal.recipients).some(ref =>
    connection.ownership.includes(ref),
  );
}

const noConnections: readonly Connection[] = [];

/**
 * This replica's connections by each ownership ref they hold, and which are
 * subscribed to which channel, so finding a signal's recipients costs work
 * in proportion to the connections it could reach (those subscribed to its
 * channel for a broadcast, those holding one of its refs otherwise) rather
 * than to all of them.
 *
 * A replica holds tens of thousands of mostly idle connections, and every
 * map entry costs each of them about 50 bytes. So connections are indexed
 * by ref once, whatever they subscribe to, rather than once per channel
 * (which also answers how many connections a user has). The price is that a
 * signal to a ref looks at the ref's connections that did not subscribe to
 * its channel too; a user's own connections are few, and nearly every
 * connection subscribes to the notifications channel. Most refs are one
 * user's, held by a single connection, which stands in the map itself, with
 * a set only once a second one holds the ref.
 */
export class SubscriptionIndex {
  private readonly channels = new Map<string, ChannelSubscribers>();
  private readonly byRef = new Map<string, Connection | Set<Connection>>();
  private count = 0;

  /** Subscriptions of all connections together. */
  get size() {
    return this.count;
  }

  /** Indexes a new connection by its ownership refs. */
  connect(connection: Connection) {
    for (const ref of connection.ownership) {
      const holders = this.byRef.get(ref);
      if (!holders) {
        this.byRef.set(ref, connection);
      } else if (holders instanceof Set) {
        holders.add(connection);
      } else {
        this.byRef.set(ref, new Set([holders, connection]));
      }
    }
  }

  /** Forgets a connection and all its subscriptions. */
  disconnect(connection: Connection) {
    for (const channel of connection.channels ?? []) {
      this.remove(connection, channel);
    }
    for (const ref of connection.ownership) {
      const holders = this.byRef.get(ref);
      if (holders === connection) {
        this.byRef.delete(ref);
      } else if (holders instanceof Set) {
        holders.delete(connection);
        if (holders.size === 1) {
          this.byRef.set(ref, holders.values().next().value!);
        }
      }
    }
  }

  /** How many open connections are signed in as `userEntityRef`. */
  connectionsOf(userEntityRef: string): number {
    let count = 0;
    for (const connection of this.holdersOf(userEntityRef)) {
      if (connection.userEntityRef === userEntityRef) {
        count++;
      }
    }
    return count;
  }

  /**
   * Subscribes a connection, or only turns offsets on for one already
   * subscribed: once a channel is resumed with offsets it keeps them.
   */
  add(connection: Connection, channel: string, withOffsets = false) {
    let subscribers = this.channels.get(channel);
    if (!subscribers) {
      subscribers = { name: channel, plain: new Set(), withOffsets: new Set() };
      this.channels.set(channel, subscribers);
    }
    if (subscribers.withOffsets.has(connection)) {
      return;
    }
    if (subscribers.plain.has(connection)) {
      if (withOffsets) {
        subscribers.plain.delete(connection);
        subscribers.withOffsets.add(connection);
      }
      return;
    }
    (withOffsets ? subscribers.withOffsets : subscribers.plain).add(connection);
    // concat allocates exactly the length; a spread leaves room for 16 more.
    connection.channels = (connection.channels ?? []).concat(subscribers.name);
    this.count++;
  }

  remove(connection: Connection, channel: string) {
    const subscribers = this.channels.get(channel);
    if (
      !subscribers?.plain.delete(connection) &&
      !subscribers?.withOffsets.delete(connection)
    ) {
      return;
    }
    this.count--;
    const remaining = connection.channels!.filter(name => name !== channel);
    connection.channels = remaining.length > 0 ? remaining : undefined;
    if (subscribers.plain.size + subscribers.withOffsets.size === 0) {
      this.channels.delete(channel);
    }
  }

  /**
   * Whether a connection subscribed to a channel wants offsets, or undefined
   * when it is not subscribed.
   */
  wantsOffsets(connection: Connection, channel: string): boolean | undefined {
    const subscribers = this.channels.get(channel);
    if (subscribers?.withOffsets.has(connection)) {
      return true;
    }
    return subscribers?.plain.has(connection) ? false : undefined;
  }

  /**
   * Calls `deliver` for each connection subscribed to a signal's channel that
   * it is addressed to, once, with whether that connection wants offsets;
   * only for those subscribed one way when `reach` says so.
   */
  forEachRecipient(
    signal: Pick<SequencedSignal, 'channel' | 'recipients'>,
    deliver: (connection: Connection, withOffsets: boolean) => void,
    reach: 'all' | 'plain' | 'withOffsets' = 'all',
  ) {
    const subscribers = this.channels.get(signal.channel);
    if (!subscribers) {
      return;
    }
    const plain = reach !== 'withOffsets';
    const withOffsets = reach !== 'plain';
    if (signal.recipients.type === 'broadcast') {
      if (plain) {
        subscribers.plain.forEach(connection => deliver(connection, false));
      }
      if (withOffsets) {
        subscribers.withOffsets.forEach(connection =>
          deliver(connection, true),
        );
      }
      return;
    }
    // A connection holding several of the recipient refs gets one frame.
    const refs = userRecipientRefs(signal.recipients);
    const reached = refs.length > 1 ? new Set<Connection>() : undefined;
    for (const ref of refs) {
      for (const connection of this.holdersOf(ref)) {
        if (reached?.has(connection)) {
          continue;
        }
        reached?.add(connection);
        if (subscribers.withOffsets.has(connection)) {
          if (withOffsets) {
            deliver(connection, true);
          }
        } else if (plain && subscribers.plain.has(connection)) {
          deliver(connection, false);
        }
      }
    }
  }

  private holdersOf(ref: string): Iterable<Connection> {
    const holders = this.byRef.get(ref);
    if (holders instanceof Set) {
      return holders;
    }
    return holders ? [holders] : noConnections;
  }
}
