import { SignalPayload } from '@herald/plugin-signals-node';
import { SignalOffset } from '@herald/plugin-signals-common';

/** A signal with the position the bus assigned to it on its channel. */
export type SequencedSignal = SignalPayload & { offset: SignalOffset };

/**
 * Carries published signals to the hub of every backend replica, assigning
 * each one an offset that is the same on every replica.
 */
export interface SignalBus {
  /** Which bus this is, for logs. */
  readonly kind: string;
  /**
   * Starts delivering to `onSignal`, in offset order per channel. Signals
   * published before this replica started, if the bus keeps any, are handed
   * to `onHistory` first (oldest first) so resuming clients can be served.
   */
  start(
    onSignal: (signal: SequencedSignal) => void,
    onHistory: (signals: SequencedSignal[]) => void,
  ): Promise<void>;
  publish(signal: SignalPayload): Promise<void>;
  stop(): Promise<void>;
}
