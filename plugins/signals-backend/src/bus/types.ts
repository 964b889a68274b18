import { SignalPayload } from '@herald/plugin-signals-node';
import { SignalOffset } from '@herald/plugin-signals-common';

/**
 * A signal as a replica hands it to the bus. `origin` names the publish on
 * the replica that made it; the bus logs it with the signal, so it comes back
 * on whichever path brings the signal to that replica (its own append, the
 * notification, a read of the log), and that replica can tell a signal it
 * wrote to some connections before the append from one it has not.
 */
export type PublishedSignal = SignalPayload & { origin?: string };

/** A signal with the position the bus assigned to it on its channel. */
export type SequencedSignal = PublishedSignal & { offset: SignalOffset };

/**
 * Carries published signals to the hub of every backend replica; the
 * Centrifuge "broker" role. The hub indexes connections and fans out; the bus
 * owns ordering and history. A bus promises:
 *
 * - Offsets: each channel's signals are numbered 1, 2, 3, … with no number
 *   used twice, and a signal has the same offset on every replica.
 * - Order: `onSignal` sees a channel's signals in offset order. A signal it
 *   cannot get (lost for good) may be skipped; the hub then answers resuming
 *   clients with a gap. Delivering an offset again is harmless, the hub drops
 *   it, but costs work.
 * - History: a bus that keeps signals hands those published before this
 *   replica started to `onHistory`, oldest first, before the first
 *   `onSignal`, so resuming clients can be served on any replica.
 * - Origin: a signal is handed on with the `origin` it was published with,
 *   whichever path brings it.
 *
 * A new bus is a class implementing this in this folder, chosen by
 * `signals.bus` in `createSignalBus.ts`.
 */
export interface SignalBus {
  /** Which bus this is, for the startup log. */
  readonly kind: string;
  /**
   * Whether a signal published on one replica reaches the hubs of all
   * replicas. Then only one replica needs to take each event from the events
   * service; otherwise every replica takes every event.
   */
  readonly sharedByReplicas: boolean;
  start(
    onSignal: (signal: SequencedSignal) => void,
    onHistory: (signals: SequencedSignal[]) => void,
  ): Promise<void>;
  /** Resolves once the signal has its offset and will reach every replica. */
  publish(signal: PublishedSignal): Promise<void>;
  stop(): Promise<void>;
}
