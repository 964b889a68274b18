import { LoggerService } from '@backstage/backend-plugin-api';
import { EventParams } from '@backstage/plugin-events-node';
import { SignalPayload } from '@herald/plugin-signals-node';

/**
 * Validates an event from the `signals` topic. Publishers there may be any
 * plugin, upstream ones included, so the payload is checked rather than
 * trusted.
 */
export function signalFromEvent(
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
  return payload as SignalPayload;
}
