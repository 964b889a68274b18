import {
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { EventsService, eventsServiceRef } from '@backstage/plugin-events-node';
import { JsonObject } from '@backstage/types';
import {
  PerRecipientSupportService,
  perRecipientSupportServiceRef,
} from './perRecipientSupport';
import { splitPerRecipient } from './recipientMessage';
import { SIGNALS_EVENT_TOPIC, SignalPayload, SignalsService } from './types';

/** @public */
export type SignalsServiceOptions = {
  events: EventsService;
  /** Tells whether this backend's signals backend merges `perRecipient`. */
  perRecipientSupport?: PerRecipientSupportService;
};

/** Events in flight at once when a signal goes out per user. */
const PARALLEL_PUBLISHES = 16;

/**
 * Publishes signals as events on the `signals` topic with the signal itself as
 * the payload, exactly as upstream publishers do, so the Herald signals
 * backend and upstream consumers both receive them. A signal with
 * `perRecipient` goes out as one event only when the signals backend of this
 * backend announced that it merges the field; otherwise as one plain event
 * per user (`splitPerRecipient`), which any consumer delivers.
 *
 * @public
 */
export class DefaultSignalsService implements SignalsService {
  static create(options: SignalsServiceOptions): DefaultSignalsService {
    return new DefaultSignalsService(
      options.events,
      options.perRecipientSupport,
    );
  }

  private constructor(
    private readonly events: EventsService,
    private readonly perRecipientSupport?: PerRecipientSupportService,
  ) {}

  async publish<TMessage extends JsonObject = JsonObject>(
    signal: SignalPayload<TMessage>,
  ): Promise<void> {
    if (!signal.perRecipient || this.perRecipientSupport?.isAnnounced()) {
      await this.publishEvent(signal);
      return;
    }
    const signals = splitPerRecipient(signal);
    let next = 0;
    // Each publish may be a request to the events backend, so several go at
    // once, but not thousands.
    const publishNext = async () => {
      while (next < signals.length) {
        await this.publishEvent(signals[next++]);
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.min(PARALLEL_PUBLISHES, signals.length) },
        publishNext,
      ),
    );
  }

  private async publishEvent(signal: SignalPayload<JsonObject>) {
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
      deps: {
        events: eventsServiceRef,
        perRecipientSupport: perRecipientSupportServiceRef,
      },
      factory: ({ events, perRecipientSupport }) =>
        DefaultSignalsService.create({ events, perRecipientSupport }),
    }),
});

/**
 * @public
 * @deprecated use {@link signalsServiceRef}
 */
export const signalService = signalsServiceRef;
