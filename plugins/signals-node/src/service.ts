import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { EventsService, eventsServiceRef } from '@backstage/plugin-events-node';
import { JsonObject } from '@backstage/types';
import { SIGNALS_EVENT_TOPIC, SignalPayload, SignalsService } from './types';

/** @public */
export type SignalsServiceOptions = {
  events: EventsService;
};

/**
 * Publishes signals as events on the `signals` topic with the signal itself as
 * the payload, exactly as upstream publishers do, so the Herald signals
 * backend and upstream consumers both receive them.
 *
 * @public
 */
export class DefaultSignalsService implements SignalsService {
  static create(options: SignalsServiceOptions): DefaultSignalsService {
    return new DefaultSignalsService(options.events);
  }

  private constructor(private readonly events: EventsService) {}

  async publish<TMessage extends JsonObject = JsonObject>(
    signal: SignalPayload<TMessage>,
  ): Promise<void> {
    await this.events.publish({
      topic: SIGNALS_EVENT_TOPIC,
      eventPayload: signal,
    });
  }
}

/**
 * Same id and scope as upstream's ref.
 * @public
 */
export const signalsServiceRef = createServiceRef<SignalsService>({
  id: 'signals.service',
  scope: 'plugin',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { events: eventsServiceRef },
      factory: ({ events }) => DefaultSignalsService.create({ events }),
    }),
});

/**
 * @public
 * @deprecated use {@link signalsServiceRef}
 */
export const signalService = signalsServiceRef;
