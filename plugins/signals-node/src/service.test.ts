import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  DefaultEventsService,
  EventParams,
  eventsServiceFactory,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import {
  PerRecipientSupportService,
  perRecipientSupportServiceRef,
} from './perRecipientSupport';
import { DefaultSignalsService, signalsServiceRef } from './service';
import { SIGNALS_EVENT_TOPIC, SignalPayload, SignalsService } from './types';

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const CAROL = 'user:default/carol';

const compactSignal: SignalPayload = {
  recipients: { type: 'user', entityRef: [ALICE, BOB, CAROL] },
  channel: 'notifications',
  message: {
    action: 'new_notification',
    notification: { payload: { title: 'Shared' } },
  },
  perRecipient: {
    [ALICE]: { notification_id: 'a', notification: { id: 'a', user: ALICE } },
    [BOB]: { notification_id: 'b', notification: { id: 'b', user: BOB } },
    [CAROL]: { notification_id: 'c', notification: { id: 'c', user: CAROL } },
  },
};

/**
 * The service on a real events service, with a subscriber recording what it
 * publishes on the `signals` topic.
 */
async function recordedService(
  perRecipientSupport?: PerRecipientSupportService,
) {
  const events = DefaultEventsService.create({
    logger: mockServices.logger.mock(),
    useEventBus: 'never',
  });
  const received: EventParams[] = [];
  await events.subscribe({
    id: 'recorder',
    topics: [SIGNALS_EVENT_TOPIC],
    onEvent: async event => {
      received.push(event);
    },
  });
  const service = DefaultSignalsService.create({ events, perRecipientSupport });
  return { service, payloads: () => received.map(event => event.eventPayload) };
}

function announced(value: boolean) {
  return { announce() {}, isAnnounced: () => value };
}

describe('DefaultSignalsService', () => {
  it('sends each user a complete message when no consumer announced perRecipient support', async () => {
    const { service, payloads } = await recordedService(announced(false));
    await service.publish(compactSignal);

    expect(payloads()).toEqual(
      ['a', 'b', 'c'].map((id, i) => ({
        recipients: { type: 'user', entityRef: [ALICE, BOB, CAROL][i] },
        channel: 'notifications',
        message: {
          action: 'new_notification',
          notification_id: id,
          notification: {
            id,
            user: [ALICE, BOB, CAROL][i],
            payload: { title: 'Shared' },
          },
        },
      })),
    );
  });

  it('keeps the single event once a consumer announced perRecipient support', async () => {
    const { service, payloads } = await recordedService(announced(true));
    await service.publish(compactSignal);
    expect(payloads()).toEqual([compactSignal]);
  });

  it('sends the shared message to recipients without an entry, group refs included', async () => {
    const { service, payloads } = await recordedService();
    await service.publish({
      recipients: {
        type: 'user',
        entityRef: [ALICE, 'group:default/team', BOB],
      },
      channel: 'c',
      message: { kind: 'shared' },
      perRecipient: { [ALICE]: { own: 1 }, [CAROL]: { own: 3 } },
    });
    expect(payloads()).toEqual([
      {
        recipients: { type: 'user', entityRef: ALICE },
        channel: 'c',
        message: { kind: 'shared', own: 1 },
      },
      {
        recipients: { type: 'user', entityRef: ['group:default/team', BOB] },
        channel: 'c',
        message: { kind: 'shared' },
      },
    ]);
  });

  it('publishes signals without perRecipient unchanged, broadcasts included', async () => {
    const { service, payloads } = await recordedService();
    const plain: SignalPayload = {
      recipients: { type: 'broadcast' },
      channel: 'c',
      message: { hello: true },
    };
    await service.publish(plain);
    await service.publish({ ...plain, perRecipient: { [ALICE]: { x: 1 } } });
    expect(payloads()).toEqual([plain, plain]);
  });

  it('splits thousands of users with bounded concurrency and loses none', async () => {
    const { service, payloads } = await recordedService();
    const users = Array.from({ length: 2000 }, (_, i) => `user:default/u${i}`);
    await service.publish({
      recipients: { type: 'user', entityRef: users },
      channel: 'c',
      message: { shared: true },
      perRecipient: Object.fromEntries(users.map(u => [u, { id: u }])),
    });
    expect(
      payloads()
        .map(payload => (payload as any).message.id)
        .sort(),
    ).toEqual([...users].sort());
  });
});

describe('signalsServiceRef', () => {
  async function publishThroughBackend(withAnnouncingConsumer: boolean) {
    let signals!: SignalsService;
    const received: unknown[] = [];
    const publisher = createBackendPlugin({
      pluginId: 'publisher',
      register(env) {
        env.registerInit({
          deps: { signalsService: signalsServiceRef },
          async init({ signalsService }) {
            signals = signalsService;
          },
        });
      },
    });
    const consumer = createBackendPlugin({
      pluginId: 'consumer',
      register(env) {
        env.registerInit({
          deps: {
            events: eventsServiceRef,
            support: perRecipientSupportServiceRef,
          },
          async init({ events, support }) {
            await events.subscribe({
              id: 'consumer',
              topics: [SIGNALS_EVENT_TOPIC],
              onEvent: async event => {
                received.push(event.eventPayload);
              },
            });
            if (withAnnouncingConsumer) {
              support.announce();
            }
          },
        });
      },
    });
    const backend = await startTestBackend({
      features: [
        publisher,
        consumer,
        // One bus for all plugins, as in a real backend; the mock gives each
        // plugin its own.
        eventsServiceFactory,
        mockServices.rootConfig.factory({
          data: { events: { useEventBus: 'never' } },
        }),
      ],
    });
    try {
      await signals.publish(compactSignal);
      return received;
    } finally {
      await backend.stop();
    }
  }

  it('shares the announcement of a consumer with publishers of the same backend', async () => {
    expect(await publishThroughBackend(true)).toEqual([compactSignal]);
    expect(await publishThroughBackend(false)).toHaveLength(3);
  });
});
