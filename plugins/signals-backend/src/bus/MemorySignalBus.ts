import { SignalPayload } from '@herald/plugin-signals-node';
import { SequencedSignal, SignalBus } from './types';

/** The bus for a single backend instance: offsets are counters in memory. */
export class MemorySignalBus implements SignalBus {
  readonly kind = 'memory';
  readonly sharedByReplicas = false;
  private readonly heads = new Map<string, number>();
  private listener?: (signal: SequencedSignal) => void;

  async start(onSignal: (signal: SequencedSignal) => void) {
    this.listener = onSignal;
  }

  async publish(signal: SignalPayload): Promise<void> {
    const offset = (this.heads.get(signal.channel) ?? 0) + 1;
    this.heads.set(signal.channel, offset);
    this.listener?.({ ...signal, offset });
  }

  async stop() {
    this.listener = undefined;
  }
}
