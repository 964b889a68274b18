import { mockServices } from '@backstage/backend-test-utils';
import {
  Notification,
  NotificationSendOptions,
} from '@herald/plugin-notifications-common';
import { NotificationProcessor } from '@herald/plugin-notifications-node';
import {
  hangingProcessor,
  reroutingProcessor,
  throwingProcessor,
} from '../__testUtils__/processing';
import { NotificationProcessors } from './NotificationProcessors';

const options: NotificationSendOptions = {
  recipients: { type: 'entity', entityRef: 'user:default/a' },
  payload: { title: 'hi', severity: 'high', topic: 'builds' },
};

const notification: Notification = {
  id: 'n1',
  user: 'user:default/a',
  created: new Date(),
  origin: 'plugin:test',
  payload: { title: 'hi', severity: 'high', topic: 'builds' },
};

function appender(name: string, extra: Partial<NotificationProcessor> = {}) {
  return {
    getName: () => name,
    preProcess: async (n: Notification) => ({
      ...n,
      payload: { ...n.payload, title: `${n.payload.title}+${name}` },
    }),
    ...extra,
  } as NotificationProcessor;
}

describe('NotificationProcessors', () => {
  it('chains processOptions in registration order, skipping one that throws or hangs', async () => {
    const logger = mockServices.logger.mock();
    const processors = new NotificationProcessors(
      () => [
        reroutingProcessor('Rewriter', 'group:default/team'),
        throwingProcessor('Thrower', 'processOptions'),
        hangingProcessor('Hanger', 'processOptions'),
        {
          getName: () => 'Titler',
          processOptions: async o => ({
            ...o,
            payload: { ...o.payload, title: `${o.payload.title}!` },
          }),
        },
        {
          getName: () => 'LowOnly',
          getNotificationFilters: () => ({ maxSeverity: 'low' }),
          processOptions: async () => {
            throw new Error('must not run');
          },
        },
      ],
      logger,
      50,
    );
    const result = await processors.processOptions(options);
    expect(result.recipients).toEqual({
      type: 'entity',
      entityRef: 'group:default/team',
    });
    expect(result.payload.title).toBe('hi!');
    expect(logger.error).toHaveBeenCalledTimes(2);
    expect(logger.error.mock.calls.map(c => c[0])).toEqual([
      'Error while processing notification options with Thrower',
      'Error while processing notification options with Hanger',
    ]);
  });

  it('selects by static filters and channel settings, and chains preProcess in order', async () => {
    const logger = mockServices.logger.mock();
    const processors = new NotificationProcessors(
      () => [
        appender('A'),
        appender('Critical', {
          getNotificationFilters: () => ({ minSeverity: 'critical' }),
        }),
        appender('B'),
        appender('OtherTopic', {
          getNotificationFilters: () => ({ includedTopics: ['deploys'] }),
        }),
        appender('NoBuilds', {
          getNotificationFilters: () => ({ excludedTopics: ['builds'] }),
        }),
        appender('Muted'),
        appender('Broken', {
          preProcess: async () => {
            throw new Error('nope');
          },
        }),
        appender('C'),
      ],
      logger,
      1000,
    );
    const selected = processors.select(notification.payload, {
      channelEnabled: channel => channel !== 'Muted',
    });
    expect(selected.map(p => p.getName())).toEqual(['A', 'B', 'Broken', 'C']);
    const result = await processors.preProcess(selected, notification, options);
    expect(result.payload.title).toBe('hi+A+B+C');
    expect(logger.error).toHaveBeenCalledWith(
      'Error while pre-processing notification with Broken',
      expect.any(Error),
    );
    expect(
      processors.select(notification.payload).map(p => p.getName()),
    ).toContain('Muted');
  });

  it('skips a preProcess that hangs or returns nothing, keeping the last good notification', async () => {
    const logger = mockServices.logger.mock();
    const processors = new NotificationProcessors(
      () => [
        appender('A'),
        appender('Hangs', { preProcess: () => new Promise(() => {}) }),
        appender('Nothing', {
          preProcess: async () => undefined as unknown as Notification,
        }),
        appender('B'),
      ],
      logger,
      50,
    );
    const result = await processors.preProcess(
      processors.select(notification.payload),
      notification,
      options,
    );
    expect(result.payload.title).toBe('hi+A+B');
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      'Error while pre-processing notification with Hangs',
      expect.any(Error),
    );
  });

  it('keeps broadcasts, their processOptions included, from a processor that declines them', async () => {
    const declining = {
      getName: () => 'UsersOnly',
      getNotificationFilters: () => ({ broadcasts: false }),
      processOptions: async (o: NotificationSendOptions) => ({
        ...o,
        payload: { ...o.payload, title: `${o.payload.title}+UsersOnly` },
      }),
    };
    const processors = new NotificationProcessors(
      () => [appender('A'), declining],
      mockServices.logger.mock(),
      1000,
    );
    const names = (selected: NotificationProcessor[]) =>
      selected.map(p => p.getName());
    expect(
      names(processors.select(notification.payload, { broadcast: true })),
    ).toEqual(['A']);
    expect(names(processors.select(notification.payload))).toEqual([
      'A',
      'UsersOnly',
    ]);
    const broadcast = await processors.processOptions({
      recipients: { type: 'broadcast' },
      payload: { title: 'hi' },
    });
    expect(broadcast.payload.title).toBe('hi');
    const toUsers = await processors.processOptions(options);
    expect(toUsers.payload.title).toBe('hi+UsersOnly');
  });

  it('skips a processor whose filters cannot be read', () => {
    const processors = new NotificationProcessors(
      () => [
        {
          getName: () => 'Bad',
          getNotificationFilters: () => {
            throw new Error('bad config');
          },
        },
      ],
      mockServices.logger.mock(),
      1000,
    );
    expect(processors.select(notification.payload)).toEqual([]);
  });
});
