import { ConfigReader } from '@backstage/config';
import { JsonValue } from '@backstage/types';
import { randomBytes } from 'node:crypto';
import { endpointMatches, readWebhooksConfig } from './config';

const secret = `whsec_${randomBytes(32).toString('base64')}`;

function read(endpoints: JsonValue) {
  return readWebhooksConfig(
    new ConfigReader({
      notifications: { processors: { webhooks: { endpoints } } },
    }),
  );
}

describe('readWebhooksConfig', () => {
  it('is undefined without an endpoint with a URL', () => {
    expect(readWebhooksConfig(new ConfigReader({}))).toBeUndefined();
    expect(read([{ id: 'off', secret }])).toBeUndefined();
  });

  it('reads endpoints with their filters and a default timeout', () => {
    const config = read([
      {
        id: 'audit',
        url: 'https://hooks.example.com/x',
        secret,
        filter: {
          origins: ['plugin:catalog'],
          recipients: ['group:default/ops'],
          minSeverity: 'high',
          includedTopics: ['deploy'],
        },
      },
    ])!;
    expect(config.requestTimeoutMs).toBe(10_000);
    expect(config.endpoints).toEqual([
      expect.objectContaining({
        id: 'audit',
        origins: ['plugin:catalog'],
        recipients: ['group:default/ops'],
        filters: expect.objectContaining({
          minSeverity: 'high',
          includedTopics: ['deploy'],
        }),
      }),
    ]);
  });

  it.each([
    [
      [{ id: 'a', url: 'https://x.example.com' }],
      /Missing required config value/,
    ],
    [[{ id: 'a', url: 'ftp://x.example.com', secret }], /url is not an http/],
    [[{ id: 'a b', url: 'https://x.example.com', secret }], /id must be/],
    [
      [
        { id: 'a', url: 'https://x.example.com', secret },
        { id: 'a', url: 'https://y.example.com', secret },
      ],
      /used by another endpoint/,
    ],
    [[{ id: 'a', url: 'https://x.example.com', secret: 'hunter2' }], /whsec_/],
  ])('refuses %j', (endpoints, error) => {
    expect(() => read(endpoints)).toThrow(error);
  });
});

describe('endpointMatches', () => {
  const [endpoint] = read([
    {
      id: 'ops',
      url: 'https://hooks.example.com/x',
      secret,
      filter: { recipients: ['user:default/bob', 'group:default/ops'] },
    },
  ])!.endpoints;
  const notification = (user: string | null) => ({
    user,
    origin: 'plugin:x',
    payload: { title: 't' },
  });
  const toEntities = (...refs: string[]) => ({
    recipients: { type: 'entity' as const, entityRef: refs },
    payload: { title: 't' },
  });

  it('matches the listed user, and every member of a listed group', () => {
    expect(
      endpointMatches(
        endpoint,
        notification('user:default/bob'),
        toEntities('user:default/alice', 'user:default/bob'),
      ),
    ).toBe(true);
    expect(
      endpointMatches(
        endpoint,
        notification('user:default/alice'),
        toEntities('user:default/alice', 'user:default/bob'),
      ),
    ).toBe(false);
    expect(
      endpointMatches(
        endpoint,
        notification('user:default/alice'),
        toEntities('group:default/ops'),
      ),
    ).toBe(true);
    expect(
      endpointMatches(endpoint, notification(null), {
        recipients: { type: 'broadcast' },
        payload: { title: 't' },
      }),
    ).toBe(false);
  });
});
