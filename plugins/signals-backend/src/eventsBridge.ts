import { LoggerService } from '@backstage/backend-plugin-api';
import { EventParams, EventsService } from '@backstage/plugin-events-node';
import {
  SIGNALS_EVENT_TOPIC,
  SignalPayload,
} from '@herald/plugin-signals-node';

/**
 * Validates an event from the `signals` topic. Publishers there may be any
 * plugin, upstream ones included, so the payload is checked rather than
 * trusted, and only the fields of a signal are kept: anything else would be
 * logged with it and carried to every replica, and `origin` is the
 * publishing replica's to set.
 */
function signalFromEvent(
  event: EventParams,
  logger: LoggerService,
): SignalPayload | undefined {
  const payload = event.eventPayload as Partial<SignalPayload> | undefined;
  if (
    !payload ||
    typeof payload !== 'object' ||
    typeof payload.channel !== 'string' ||
    !payload.channel ||
    !payload.message ||
    typeof payload.message !== 'object' ||
    !payload.recipients ||
    typeof payload.recipients !== 'object'
  ) {
    logger.warn('Ignoring malformed event on the signals topic');
    return undefined;
  }
  const { recipients, channel, message, perRecipient } =
    payload as SignalPayload;
  return perRecipient === undefined
    ? { recipients, channel, message }
    : { recipients, channel, message, perRecipient };
}

/**
 * Feeds the `signals` events topic into `publish`.
 *
 * With a bus shared by the replicas one replica takes each event and the bus
 * fans it out: subscribers sharing an id split the events between them, so
 * the events backend's bus cannot deliver a signal twice. Without one, every
 * replica takes every event under its own instance id, like upstream.
 */
export async function subscribeToSignalEvents(options: {
  events: EventsService;
  /** Whether the bus behind `publish` reaches every replica. */
  sharedByReplicas: boolean;
  publish: (signal: SignalPayload) => Promise<void>;
  instanceId: string;
  logger: LoggerService;
}) {
  const { events, publish, logger } = options;
  await events.subscribe({
    id: options.sharedByReplicas ? 'bus' : options.instanceId,
    topics: [SIGNALS_EVENT_TOPIC],
    onEvent: async event => {
      const signal = signalFromEvent(event, logger);
      if (signal) {
        await publish(signal);
      }
    },
  });
}
