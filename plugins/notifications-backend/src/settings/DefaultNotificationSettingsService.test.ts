import { createHash, randomUUID } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  DefaultNotificationSettingsService,
  parseDefaultSettings,
} from './DefaultNotificationSettingsService';
import { SettingsStore } from './SettingsStore';
import { applyDatabaseMigrations } from '../store/migrations';
import { createTestDatabases } from '../__testUtils__/notificationsTestBackend';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const USER = 'user:default/jane';

const defaults = parseDefaultSettings({
  channels: [
    {
      id: 'Web',
      origins: [
        {
          id: 'plugin:catalog',
          enabled: true,
          topics: [{ id: 'noisy', enabled: false }],
        },
      ],
    },
    {
      id: 'Email',
      enabled: false,
      origins: [{ id: 'plugin:scaffolder', enabled: true }],
    },
    { id: 'Pager', origins: [] },
  ],
});

async function setup(databaseId: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(databaseId);
  await applyDatabaseMigrations(knex);
  const store = new SettingsStore(knex);
  const service = new DefaultNotificationSettingsService(
    store,
    () => ['Email', 'Chat'],
    defaults,
  );
  return { knex, store, service };
}

async function receive(knex: Knex, origin: string, topic: string | null) {
  await knex('notification').insert({
    id: randomUUID(),
    user: USER,
    title: 't',
    severity: 'normal',
    origin,
    topic,
    created: new Date(),
  });
}

describe('DefaultNotificationSettingsService', () => {
  it.each(databases.eachSupportedId())(
    'merges received origins and topics with the defaults, on %p',
    async databaseId => {
      const { knex, service } = await setup(databaseId);
      await receive(knex, 'plugin:todo', 'done');
      await receive(knex, 'plugin:todo', null);
      await receive(knex, 'plugin:catalog', 'builds');
      await knex('notification').insert({
        id: randomUUID(),
        user: 'user:default/other',
        title: 't',
        severity: 'normal',
        origin: 'plugin:secret',
        created: new Date(),
      });

      const settings = await service.getSettings(USER);
      expect(settings.channels.map(c => c.id)).toEqual([
        'Web',
        'Email',
        'Chat',
        'Pager',
      ]);
      const web = settings.channels[0];
      expect(web.enabled).toBeUndefined();
      expect(web.origins).toEqual([
        {
          id: 'plugin:catalog',
          enabled: true,
          topics: [
            { id: 'builds', enabled: true },
            { id: 'noisy', enabled: false },
          ],
        },
        {
          id: 'plugin:todo',
          enabled: true,
          topics: [{ id: 'done', enabled: true }],
        },
        { id: 'plugin:scaffolder', enabled: true, topics: [] },
      ]);
      const email = settings.channels[1];
      expect(email.enabled).toBe(false);
      expect(
        email.origins.map(o => [
          o.id,
          o.enabled,
          o.topics?.map(t => t.enabled),
        ]),
      ).toEqual([
        ['plugin:catalog', false, [false, false]],
        ['plugin:todo', false, [false]],
        ['plugin:scaffolder', true, []],
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'decides delivery for many users in one query, with opt-in channels and topic overrides, on %p',
    async databaseId => {
      const { knex, service } = await setup(databaseId);
      await service.saveSettings(USER, {
        channels: [
          {
            id: 'Web',
            origins: [
              {
                id: 'plugin:todo',
                enabled: true,
                topics: [{ id: 'chatter', enabled: false }],
              },
            ],
          },
          { id: 'Email', origins: [{ id: 'plugin:todo', enabled: true }] },
          { id: 'Chat', origins: [{ id: 'Plugin:Todo', enabled: false }] },
        ],
      });
      const users = [
        USER,
        ...Array.from({ length: 999 }, (_, i) => `user:default/u${i}`),
      ];
      let queries = 0;
      const countQuery = () => {
        queries += 1;
      };
      knex.on('query', countQuery);
      const todo = await service.getRecipientChannels(
        users,
        'plugin:todo',
        'chatter',
      );
      knex.off('query', countQuery);
      expect(queries).toBe(1);

      expect(todo.isEnabled(USER, 'Web')).toBe(false);
      expect(todo.isEnabled(USER, 'Email')).toBe(true);
      expect(todo.isEnabled(USER, 'Chat')).toBe(false);
      expect(todo.isEnabled('user:default/u1', 'Web')).toBe(true);
      // Email is opt-in and plugin:todo has no default there.
      expect(todo.isEnabled('user:default/u1', 'Email')).toBe(false);
      expect(todo.isEnabled('user:default/u1', 'Chat')).toBe(true);

      const otherTopic = await service.getRecipientChannels(
        users,
        'plugin:todo',
        'done',
      );
      expect(otherTopic.isEnabled(USER, 'Web')).toBe(true);

      const catalog = await service.getRecipientChannels(
        users,
        'plugin:catalog',
        'noisy',
      );
      expect(catalog.isEnabled('user:default/u1', 'Web')).toBe(false);
      const scaffolder = await service.getRecipientChannels(
        users,
        'plugin:scaffolder',
        undefined,
      );
      expect(scaffolder.isEnabled('user:default/u1', 'Email')).toBe(true);

      const settings = await service.getSettings(USER);
      const webTodo = settings.channels[0].origins.find(
        o => o.id === 'plugin:todo',
      );
      expect(webTodo).toEqual({
        id: 'plugin:todo',
        enabled: true,
        topics: [{ id: 'chatter', enabled: false }],
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'stores topic switches as origin AND topic with the upstream key hash, on %p',
    async databaseId => {
      const { knex, service } = await setup(databaseId);
      await service.saveSettings(USER, {
        channels: [
          {
            id: 'Web',
            enabled: false,
            origins: [
              {
                id: 'plugin:todo',
                enabled: false,
                topics: [{ id: 'done', enabled: true }],
              },
            ],
          },
        ],
      });
      const rows = await knex('user_settings')
        .select('channel', 'origin', 'topic', 'enabled', 'settings_key_hash')
        .orderBy('topic');
      expect(
        rows.map(r => [
          r.channel,
          r.origin,
          r.topic,
          Boolean(Number(r.enabled)),
        ]),
      ).toEqual(
        expect.arrayContaining([
          ['Web', 'plugin:todo', null, false],
          ['Web', 'plugin:todo', 'done', false],
        ]),
      );
      expect(rows).toHaveLength(2);
      const topicRow = rows.find(r => r.topic === 'done');
      expect(topicRow.settings_key_hash).toBe(
        createHash('sha256')
          .update(`${USER}|Web|plugin:todo|done`)
          .digest('hex'),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'rejects unknown channels and malformed bodies without touching stored settings, on %p',
    async databaseId => {
      const { service } = await setup(databaseId);
      const saved = await service.saveSettings(USER, {
        channels: [
          { id: 'Chat', origins: [{ id: 'plugin:x', enabled: false }] },
        ],
      });
      for (const channel of ['Pager', 'web', 'Nope']) {
        const attempt = service.saveSettings(USER, {
          channels: [{ id: channel, origins: [] }],
        });
        await expect(attempt).rejects.toThrow(InputError);
        await expect(attempt).rejects.toThrow('Invalid channel');
      }
      await expect(
        service.saveSettings(USER, { channels: [{ id: 'Web' }] }),
      ).rejects.toThrow(InputError);
      await expect(service.saveSettings(USER, 'nope')).rejects.toThrow(
        InputError,
      );
      await expect(service.getSettings(USER)).resolves.toEqual(saved);
    },
  );

  it.each(databases.eachSupportedId())(
    'saves transactionally: a failing write keeps the previous settings, on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      await store.replaceUserSettings(USER, [
        { channel: 'Web', origin: 'plugin:a', topic: null, enabled: false },
      ]);
      await expect(
        store.replaceUserSettings(USER, [
          { channel: 'Web', origin: 'plugin:b', topic: null, enabled: true },
          { channel: 'Web', origin: null as any, topic: 'x', enabled: true },
        ]),
        // Driver errors are not always Error instances of the test's realm.
      ).rejects.toHaveProperty('message');
      await expect(store.getUserSettings(USER)).resolves.toEqual([
        { channel: 'Web', origin: 'plugin:a', topic: null, enabled: false },
      ]);
    },
  );

  it('fails on malformed default settings', () => {
    expect(() =>
      parseDefaultSettings({
        channels: [{ id: 'Web', origins: [{ id: 'x' }] }],
      }),
    ).toThrow(/Invalid notifications.defaultSettings/);
    expect(
      parseDefaultSettings({ channels: [{ id: 'Email', enabled: false }] }),
    ).toEqual({ channels: [{ id: 'Email', enabled: false, origins: [] }] });
  });
});
