import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { TestDatabases } from '@backstage/backend-test-utils';
import { COLUMN_MAX_LENGTHS } from '../store/rows';
import { asService, asUser } from '../__testUtils__/fixtures';
import { startNotificationsBackend } from '../__testUtils__/notificationsTestBackend';
import { spec } from './openapi';

jest.setTimeout(60_000);

const yaml = parse(readFileSync(resolve(__dirname, 'openapi.yaml'), 'utf8'));

/** Every `maxLength` in the YAML's send payload: the limits a change to the spec moves. */
const payloadLimits = Object.entries(
  yaml.components.schemas.NotificationPayload.properties as Record<
    string,
    { maxLength?: number }
  >,
).flatMap(([field, schema]) =>
  schema.maxLength === undefined ? [] : [[field, schema.maxLength] as const],
);

describe('the spec', () => {
  it('is what the generated router was built from (run `yarn generate:openapi` after editing the YAML)', () => {
    expect(spec).toEqual(yaml);
  });

  it('gives the store its column limits', () => {
    const notification = yaml.components.schemas.Notification.properties;
    expect(COLUMN_MAX_LENGTHS).toEqual({
      ...Object.fromEntries(payloadLimits),
      user: notification.user.maxLength,
      origin: notification.origin.maxLength,
    });
    expect(payloadLimits.map(([field]) => field).sort()).toEqual([
      'icon',
      'scope',
      'title',
      'topic',
    ]);
  });
});

describe('a limit in the spec', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let server: any;
  let stop: () => Promise<void>;
  let columnWidths: Record<string, number>;

  beforeAll(async () => {
    const knex = await databases.init('SQLITE_3');
    const started = await startNotificationsBackend({ knex });
    server = started.server;
    stop = () => started.backend.stop();
    const columns = await knex('notification').columnInfo();
    columnWidths = Object.fromEntries(
      Object.entries(columns).map(([name, info]) => [
        name,
        Number(info.maxLength),
      ]),
    );
  });

  afterAll(async () => {
    await stop?.();
  });

  const send = (payload: object) =>
    request(server)
      .post('/api/notifications/notifications')
      .set('Authorization', asService())
      .send({ recipients: { type: 'broadcast' }, payload });

  it.each(payloadLimits)(
    'bounds payload.%s at %i characters in validation',
    async (field, limit) => {
      const base = { title: 'Limit' };
      const atLimit = await send({ ...base, [field]: 'x'.repeat(limit) });
      expect(atLimit.status).toBe(200);
      const over = await send({ ...base, [field]: 'x'.repeat(limit + 1) });
      expect(over.status).toBe(400);
      expect(over.body.error).toEqual({
        name: 'InputError',
        message: `Invalid request body: payload.${field} is ${
          limit + 1
        } characters long, at most ${limit} are allowed`,
      });
    },
  );

  it.each(payloadLimits)(
    'serves payload.%s with maxLength %i in /openapi.json',
    async (field, limit) => {
      const served = await request(server)
        .get('/api/notifications/openapi.json')
        .set('Authorization', asUser('user:default/alice'));
      expect(
        served.body.components.schemas.NotificationPayload.properties[field]
          .maxLength,
      ).toBe(limit);
    },
  );

  it.each(payloadLimits)(
    'keeps payload.%s (%i) within its column',
    (field, limit) => {
      expect(columnWidths[field]).toBeGreaterThan(0);
      expect(limit).toBeLessThanOrEqual(columnWidths[field]);
    },
  );
});
