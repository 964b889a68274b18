import { SignalPayload } from '@herald/plugin-signals-node';
import { SignalBus } from './bus/types';
import { SignalHub } from './hub/SignalHub';

/**
 * How this replica publishes a signal. A bus shared by replicas answers
 * only after a round trip to its log, which assigns the offset; the
 * connections here that asked for no offsets get the signal before that
 * ({@link SignalHub.writeAhead}), and the rest when the bus hands it back.
 * The in-process bus numbers and delivers in the same call, so it is used
 * as it is.
 */
export function signalPublisher(
  bus: SignalBus,
  hub: SignalHub,
): (signal: SignalPayload) => Promise<void> {
  if (!bus.sharedByReplicas) {
    return signal => bus.publish(signal);
  }
  return async signal => {
    const published = hub.writeAhead(signal);
    try {
      await bus.publish(published);
    } catch (error) {
      hub.forgetWrittenAhead(published);
      throw error;
    }
  };
}
