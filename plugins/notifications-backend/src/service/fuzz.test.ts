import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  WEB_NOTIFICATION_CHANNEL,
  notificationSeverities,
} from '@herald/plugin-notifications-common';
import fc from 'fast-check';
import { Knex } from 'knex';
import request from 'supertest';
import { ALICE, asService, asUser } from '../__testUtils__/fixtures';
import {
  describeEachDatabase,
  startNotificationsBackend,
} from '../__testUtils__/notificationsTestBackend';
import { queuedDeliveries } from '../__testUtils__/outbox';
import { processorsModule } from '../__testUtils__/processing';
import { SORTABLE_FIELDS } from '../store/NotificationsStore';

/*
 * Property-based attack suite: every endpoint gets hostile paths, query
 * parameters, bodies and headers. Whatever comes in, the answer is never a
 * 5xx, every 4xx is in the Backstage error envelope, and a refused request
 * changes nothing in the database. fast-check prints the seed and the
 * shrunk counterexample of a failure; set FUZZ_SEED to replay a run and
 * FUZZ_RUNS to change the cases per endpoint.
 */

// fc.assert is what fails these tests; the rule only recognises expect().
/* eslint-disable jest/expect-expect */

jest.setTimeout(600_000);

const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED =
  process.env.FUZZ_SEED === undefined
    ? undefined
    : Number(process.env.FUZZ_SEED);

const PROCESSOR = 'fuzz-channel';
const SENDER = 'scaffolder';

/** A processor with postProcess, so every accepted send also writes outbox jobs. */
const processorModule = processorsModule('fuzz-processor', {
  getName: () => PROCESSOR,
  postProcess: async () => {},
});

// ---------------------------------------------------------------------------
// Hostile values

const SPECIAL_PIECES = [
  '\u0000',
  '\uD800',
  '\uDBFF',
  '\uDC00',
  '\uFFFF',
  '\uFFFE',
  '\u202E',
  '\u200B',
  '\u2028',
  '\u0085',
  '\t',
  '\n',
  '\r',
  '\\',
  '"',
  "'",
  '%',
  '_',
  '!',
  '&#x110000;',
  '\u{1F600}',
  '\u{10FFFF}',
  'é',
  ' ',
  '/',
  '..',
  ':',
  '?',
  '#',
  '[]',
  '{}',
  ',',
  'user:default/alice',
  '00000000-0000-0000-0000-000000000000',
];

/** Lengths at and around the column widths and beyond. */
const LENGTHS = [254, 255, 256, 1_000, 10_000, 60_000];

const mixedString = fc
  .array(
    fc.oneof(
      fc.constantFrom(...SPECIAL_PIECES),
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 6 },
  )
  .map(parts => parts.join(''));

const longString = (lengths: number[]) =>
  fc
    .tuple(
      fc.constantFrom(...lengths),
      fc.constantFrom('a', 'é', '\u{1F600}', '\u0000', '\uD800', '%'),
    )
    .map(([length, piece]) => piece.repeat(length).slice(0, length));

const hostileString = fc.oneof(
  { weight: 6, arbitrary: mixedString },
  { weight: 1, arbitrary: longString(LENGTHS) },
);

/**
 * Node answers a request line over its 16 kB header limit with a bare 431
 * before any route runs; a query, and an id in the path, each stay below half
 * of it.
 */
const MAX_URL_PART_LENGTH = 6_000;

const hostileQueryString = fc.oneof(
  { weight: 6, arbitrary: mixedString },
  { weight: 1, arbitrary: longString([254, 255, 256, 1_000]) },
);

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    2 ** 31,
    2 ** 53,
    2 ** 63,
    2 ** 64,
    -(2 ** 63),
    1e308,
    -1,
    0,
    -0,
    0.5,
  ),
);

/** Strings every database stores: hostile, but without NUL. */
const storableString = hostileString.filter(text => !text.includes('\0'));

const jsonOf = (strings: fc.Arbitrary<string>): fc.Arbitrary<unknown> =>
  fc.letrec(tie => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      strings,
      hostileNumber,
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(strings, tie('value'), { maxKeys: 4 }),
    ),
  })).value;

const hostileJson = jsonOf(hostileString);

/** Digit strings for limit and offset, in and far out of every integer range. */
const numericString = fc.oneof(
  fc.nat().map(String),
  fc
    .bigInt({ min: -(2n ** 70n), max: 2n ** 70n })
    .map(value => value.toString()),
  fc.constantFrom(
    '2147483647',
    '2147483648',
    '9007199254740993',
    '9223372036854775807',
    '9223372036854775808',
    '18446744073709551616',
    '9'.repeat(400),
    '-1',
    '1e3',
    '0x10',
    ' 1',
    '1.0',
    '\u0663',
    'NaN',
    'Infinity',
  ),
);

function isoYear(year: number): string {
  if (year >= 0 && year <= 9999) {
    return String(year).padStart(4, '0');
  }
  return `${year < 0 ? '-' : '+'}${String(Math.abs(year)).padStart(6, '0')}`;
}

const dateString = fc.oneof(
  fc
    .tuple(
      fc.integer({ min: -271_820, max: 275_759 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 28 }),
    )
    .map(
      ([year, month, day]) =>
        `${isoYear(year)}-${String(month).padStart(2, '0')}-${String(
          day,
        ).padStart(2, '0')}T00:00:00.000Z`,
    ),
  fc.constantFrom(
    '-004713-11-24T00:00:00.000Z',
    '-004714-01-01T00:00:00.000Z',
    '0000-01-01T00:00:00.000Z',
    '0001-01-01T00:00:00.000Z',
    '1969-12-31T23:59:59.999Z',
    '1970-01-01T00:00:00.000Z',
    '2038-01-19T03:14:08.000Z',
    '9999-12-31T23:59:59.999Z',
    '+010000-01-01T00:00:00.000Z',
    '+275760-09-13T00:00:00.000Z',
    '-271821-04-20T00:00:00.000Z',
    'yesterday',
    '1',
    '0',
  ),
  hostileQueryString,
);

/** Every byte percent-encoded, so lone surrogates arrive as the bytes a client would send. */
function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map(byte => `%${byte.toString(16).padStart(2, '0')}`)
    .join('');
}

/** A URL component: text percent-encoded, or raw bytes that need not be UTF-8 at all. */
const urlComponent = (text: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 5, arbitrary: text.map(percentEncode) },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 12 })
        .map(bytes =>
          [...bytes]
            .map(byte => `%${byte.toString(16).padStart(2, '0')}`)
            .join(''),
        ),
    },
    { weight: 1, arbitrary: fc.constantFrom('%', '%0', '%zz', '%%00', '') },
  );

type QueryPair = [key: string, value: string];

/** Query pairs: known keys with hostile values, repeated keys, bracket syntax and unknown keys. */
function queryOf(knownPairs: fc.Arbitrary<[string, string]>) {
  const known = knownPairs.chain(([key, value]) =>
    fc.tuple(
      fc.constantFrom(key, `${key}[]`, `${key}[a]`, `${key}[0][b]`),
      fc.constant(value),
    ),
  );
  const pair: fc.Arbitrary<QueryPair> = fc.oneof(
    {
      weight: 6,
      arbitrary: known.map(([k, v]): QueryPair => [percentEncode(k), v]),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        urlComponent(hostileQueryString),
        urlComponent(hostileQueryString),
      ),
    },
  );
  return fc
    .array(pair, { maxLength: 5 })
    .map(pairs =>
      pairs.length === 0
        ? ''
        : `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`,
    )
    .filter(query => query.length <= MAX_URL_PART_LENGTH);
}

const queryValue = urlComponent(hostileQueryString);

const filterPairs: fc.Arbitrary<[string, string]>[] = [
  fc.tuple(fc.constantFrom('search'), queryValue),
  fc.tuple(
    fc.constantFrom('read', 'saved'),
    fc.oneof(fc.constantFrom('true', 'false'), queryValue),
  ),
  fc.tuple(fc.constant('createdAfter'), dateString.map(percentEncode)),
  fc.tuple(
    fc.constant('minimumSeverity'),
    fc.oneof(fc.constantFrom(...notificationSeverities), queryValue),
  ),
];

const listQuery = queryOf(
  fc.oneof(
    ...filterPairs,
    fc.tuple(fc.constant('topic'), queryValue),
    fc.tuple(fc.constantFrom('limit', 'offset'), numericString),
    fc.tuple(
      fc.constant('orderField'),
      fc.oneof(
        fc
          .tuple(
            fc.constantFrom(...SORTABLE_FIELDS, 'metadata', 'password'),
            fc.constantFrom('', ',asc', ',desc', ',up', ',asc,desc'),
          )
          .map(([field, direction]) => percentEncode(`${field}${direction}`)),
        queryValue,
      ),
    ),
  ),
);

const topicsQuery = queryOf(fc.oneof(...filterPairs));

/** Endpoints without parameters get stray ones. */
const strayQuery = queryOf(fc.tuple(fc.constant('x'), queryValue));

const idSegment = fc.oneof(
  urlComponent(hostileQueryString).filter(
    id => id.length <= MAX_URL_PART_LENGTH,
  ),
  fc.uuid().map(percentEncode),
  fc.constantFrom('%00', '..', '%2F', 'a%2Fb', '.', 'status'),
);

const printableHeaderValue = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter(code => code !== 0x7f)
    .map(code => String.fromCharCode(code)),
  maxLength: 300,
});

// ---------------------------------------------------------------------------
// Bodies

const optional = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.option(arbitrary, { nil: undefined });

const entityRef = fc.oneof(
  fc.constantFrom(
    ALICE,
    'user:default/bob',
    'user:alice',
    'User:Default/Alice',
    'group:default/team',
    'component:default/service',
  ),
  hostileString.map(name => `user:default/${name}`),
  hostileString,
);

const entityRefs = fc.oneof(
  entityRef,
  fc.array(entityRef, { maxLength: 4 }),
  hostileJson,
);

const textField = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  hostileJson,
);

const linkField = fc.oneof(
  fc.constantFrom(
    '/catalog',
    'https://example.com/a',
    '/\t/evil.test/x',
    '//evil.test',
    ['javascript', 'alert(1)'].join(':'),
    'data:text/html,x',
  ),
  textField,
);

/** The send body as a JSON value; deep nesting is added as text, see `deepSendBody`. */
const sendBody = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record(
      {
        recipients: fc.oneof(
          fc.record(
            {
              type: fc.oneof(
                fc.constant('entity'),
                fc.constantFrom('broadcast', 'user', ''),
              ),
              entityRef: entityRefs,
              excludeEntityRef: entityRefs,
            },
            { requiredKeys: ['type'] },
          ),
          fc.constant({ type: 'broadcast' }),
          hostileJson,
        ),
        payload: fc.oneof(
          {
            weight: 6,
            arbitrary: fc.record(
              {
                title: textField,
                description: textField,
                link: linkField,
                severity: fc.oneof(
                  fc.constantFrom(...notificationSeverities),
                  textField,
                ),
                topic: textField,
                scope: textField,
                icon: textField,
                metadata: fc.oneof(
                  fc.dictionary(hostileString, hostileJson, { maxKeys: 4 }),
                  hostileJson,
                ),
                extra: hostileJson,
              },
              { requiredKeys: [] },
            ),
          },
          hostileJson,
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: hostileJson },
);

/** Sends that pass validation, with the strangest text the columns hold, so writes are exercised too. */
const storableSendBody = fc.record({
  recipients: fc.oneof(
    fc.constant({ type: 'broadcast' }),
    fc.record({
      type: fc.constant('entity'),
      entityRef: fc.array(
        fc.oneof(
          fc.constantFrom(ALICE, 'user:default/bob', 'User:Default/Alice'),
          storableString.map(name => `user:default/${name}`.slice(0, 255)),
        ),
        { minLength: 1, maxLength: 3 },
      ),
    }),
  ),
  payload: fc.record(
    {
      title: storableString
        .map(title => title.slice(0, 255))
        .filter(title => title.length > 0),
      description: storableString,
      link: fc.constantFrom(
        '/catalog',
        'catalog/x?a=b#c',
        'https://example.com/\u00e9',
      ),
      severity: fc.constantFrom(...notificationSeverities),
      topic: storableString.map(topic => topic.slice(0, 255)),
      scope: storableString.map(scope => scope.slice(0, 255)),
      icon: storableString.map(icon => icon.slice(0, 255)),
      metadata: fc.dictionary(storableString, jsonOf(storableString), {
        maxKeys: 4,
      }),
    },
    { requiredKeys: ['title'] },
  ),
});

/** Nesting at, just past and far past the caps, written as text (too deep to serialise). */
const NESTING_DEPTHS = [31, 32, 33, 34, 63, 64, 65, 1_000, 5_000, 100_000];

function nestedJson(depth: number, kind: 'object' | 'array'): string {
  const [open, close] = kind === 'object' ? ['{"a":', '}'] : ['[', ']'];
  return `${open.repeat(depth - 1)}${
    kind === 'object' ? '{}' : '[]'
  }${close.repeat(depth - 1)}`;
}

const deepJson = fc
  .tuple(
    fc.constantFrom(...NESTING_DEPTHS),
    fc.constantFrom<'object' | 'array'>('object', 'array'),
  )
  .map(([depth, kind]) => nestedJson(depth, kind));

const deepSendBody = fc.oneof(
  deepJson.map(
    metadata =>
      `{"recipients":{"type":"broadcast"},"payload":{"title":"deep","metadata":{"m":${metadata}}}}`,
  ),
  deepJson.map(
    extra =>
      `{"recipients":{"type":"entity","entityRef":"${ALICE}"},"payload":{"title":"deep","extra":${extra}}}`,
  ),
  deepJson,
);

const updateBody = (ids: () => string[]) =>
  fc.oneof(
    {
      weight: 9,
      arbitrary: fc.record(
        {
          ids: fc.oneof(
            fc.array(
              fc.oneof(
                fc.nat().map(index => ids()[index % ids().length]),
                fc.uuid(),
                hostileString,
                hostileJson,
              ),
              { maxLength: 5 },
            ),
            hostileJson,
          ),
          read: fc.oneof(fc.boolean(), hostileJson),
          saved: fc.oneof(fc.boolean(), hostileJson),
        },
        { requiredKeys: [] },
      ),
    },
    { weight: 1, arbitrary: hostileJson },
  );

const settingsId = (known: string[]) =>
  fc.oneof(fc.constantFrom(...known), hostileString, hostileJson);

const settingsBody = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record(
      {
        channels: fc.oneof(
          fc.array(
            fc.record(
              {
                id: settingsId([
                  WEB_NOTIFICATION_CHANNEL,
                  PROCESSOR,
                  'web',
                  'WEB',
                ]),
                enabled: fc.oneof(fc.boolean(), hostileJson),
                origins: fc.oneof(
                  fc.array(
                    fc.record(
                      {
                        id: settingsId([
                          `plugin:${SENDER}`,
                          `Plugin:${SENDER}`,
                          `plugin:${SENDER} `,
                        ]),
                        enabled: fc.oneof(fc.boolean(), hostileJson),
                        topics: fc.oneof(
                          fc.array(
                            fc.record({
                              id: settingsId(['builds', 'Builds', 'builds ']),
                              enabled: fc.oneof(fc.boolean(), hostileJson),
                            }),
                            { maxLength: 3 },
                          ),
                          hostileJson,
                        ),
                      },
                      { requiredKeys: ['id', 'enabled'] },
                    ),
                    { maxLength: 4 },
                  ),
                  hostileJson,
                ),
              },
              { requiredKeys: ['id', 'origins'] },
            ),
            { maxLength: 3 },
          ),
          hostileJson,
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: hostileJson },
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/vnd.api+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '*/*',
  'json',
];

const rawBody = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    'null',
    '1',
    '"text"',
    '[]',
    '1e999999',
    '-1e999999',
    '\uFEFF{}',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"recipients":{"type":"broadcast"},"payload":{"title":"\\u0000"}}',
    '{"recipients":{"type":"broadcast"},"payload":{"title":"\\ud800"}}',
    '{"recipients":{"type":"broadcast"},"payload":{"title":"ok","metadata":{"\\u0000":1}}}',
    '{"ids":["\\u0000"],"read":true}',
    '{"channels":[{"id":"Web","origins":[{"id":"\\u0000","enabled":false}]}]}',
    'ids=1&read=true',
  ),
  deepJson,
  hostileString,
);

// ---------------------------------------------------------------------------
// Database snapshots: what a refused request must leave untouched

/**
 * What a refused request must leave exactly as it was: every row's identity
 * and what can change after a row is written (the content of a notification
 * never changes, and reading it back on every case would dominate the run).
 */
const STATE_COLUMNS: Record<string, string[]> = {
  notification: ['id', 'user', 'read', 'saved', 'updated'],
  broadcast: ['id', 'updated'],
  broadcast_user_status: ['*'],
  user_settings: ['*'],
};

/**
 * Tables that background work changes (the outbox worker takes batches
 * apart, claims and deletes jobs): a refused request must add no row to them.
 */
const APPEND_TABLES = [
  'notification_outbox',
  'notification_outbox_send',
  'notification_idempotency_key',
];

type Snapshot = { state: string; appended: Map<string, Set<string>> };

async function existingTables(knex: Knex, tables: string[]) {
  const found = await Promise.all(
    tables.map(async table =>
      (await knex.schema.hasTable(table)) ? table : [],
    ),
  );
  return found.flat();
}

// ---------------------------------------------------------------------------

type Stats = { cases: number; byStatus: Map<number, number> };

const summaries: string[] = [];

afterAll(() => {
  // One line per database, for the CI log.
  process.stdout.write(`${summaries.join('\n')}\n`);
});

describeEachDatabase('hostile input', database => {
  let knex: Knex;
  let server: any;
  let stop: () => Promise<void>;
  let stateTables: string[] = [];
  let appendTables: string[] = [];
  const ownIds: string[] = [];
  const stats: Stats = { cases: 0, byStatus: new Map() };

  beforeAll(async () => {
    knex = await database.init();
    const started = await startNotificationsBackend({
      knex,
      features: [
        processorModule,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    server = started.server;
    stop = () => started.backend.stop();
    stateTables = await existingTables(knex, Object.keys(STATE_COLUMNS));
    appendTables = await existingTables(knex, APPEND_TABLES);

    const seed = async (body: object) => {
      const sent = await request(server)
        .post('/api/notifications/notifications')
        .set('Authorization', asService(SENDER))
        .send(body);
      if (sent.status !== 200) {
        throw new Error(`Seeding failed with ${sent.status}: ${sent.text}`);
      }
      return sent.body[0].id as string;
    };
    for (const title of ['one', 'two', 'three']) {
      ownIds.push(
        await seed({
          recipients: { type: 'entity', entityRef: ALICE },
          payload: { title, topic: 'builds' },
        }),
      );
    }
    ownIds.push(
      await seed({
        recipients: { type: 'broadcast' },
        payload: { title: 'all' },
      }),
    );
  });

  afterAll(async () => {
    const statuses = [...stats.byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}: ${count}`)
      .join(', ');
    const serverErrors = [...stats.byStatus.entries()]
      .filter(([status]) => status >= 500)
      .reduce((sum, [, count]) => sum + count, 0);
    summaries.push(
      `fuzz ${database.id}: ${stats.cases} requests, ${serverErrors} with status 5xx (${statuses})`,
    );
    await stop?.();
  });

  /**
   * The keys of a table's rows; for the outbox, of its deliveries, which the
   * worker moves from batch rows to job rows of their own.
   */
  async function appendedKeys(table: string): Promise<string[]> {
    if (table === 'notification_outbox') {
      return (await queuedDeliveries(knex)).map(
        ({ sendId, processor, own }) => `${sendId} ${processor} ${own.id}`,
      );
    }
    const keys: unknown[] = await knex(table).pluck('id');
    return keys.map(String);
  }

  async function snapshot(): Promise<Snapshot> {
    const state = await Promise.all(
      stateTables.map(table => knex(table).select(STATE_COLUMNS[table])),
    );
    const appended = new Map<string, Set<string>>();
    for (const table of appendTables) {
      appended.set(table, new Set(await appendedKeys(table)));
    }
    return {
      state: JSON.stringify(
        state.map(rows => rows.map(row => JSON.stringify(row)).sort()),
      ),
      appended,
    };
  }

  async function expectUnchanged(before: Snapshot, what: string) {
    const after = await snapshot();
    if (after.state !== before.state) {
      throw new Error(`${what} was refused but changed stored rows`);
    }
    for (const [table, keys] of after.appended) {
      const added = [...keys].filter(
        key => !before.appended.get(table)!.has(key),
      );
      if (added.length > 0) {
        throw new Error(`${what} was refused but added ${table} rows`);
      }
    }
  }

  function expectHandled(response: request.Response, what: string) {
    stats.cases += 1;
    stats.byStatus.set(
      response.status,
      (stats.byStatus.get(response.status) ?? 0) + 1,
    );
    if (response.status >= 500) {
      throw new Error(
        `${what} answered ${response.status}: ${JSON.stringify(
          response.body,
        ).slice(0, 2000)}`,
      );
    }
    if (response.status >= 400) {
      const { error, request: req, response: res } = response.body ?? {};
      if (
        typeof error?.name !== 'string' ||
        typeof error?.message !== 'string' ||
        typeof req?.method !== 'string' ||
        typeof req?.url !== 'string' ||
        res?.statusCode !== response.status
      ) {
        throw new Error(
          `${what} answered ${
            response.status
          } outside the error envelope: ${response.text?.slice(0, 500)}`,
        );
      }
    }
  }

  const check = (property: fc.IAsyncProperty<any>) =>
    fc.assert(property, { numRuns: NUM_RUNS, seed: SEED });

  /** Sends a request, checks the answer, and for a refused write that nothing changed. */
  async function attempt(
    what: string,
    send: () => request.Test,
    options: { writes: boolean },
  ) {
    const before = options.writes ? await snapshot() : undefined;
    const response = await send();
    expectHandled(response, what);
    if (before && response.status >= 400) {
      await expectUnchanged(before, what);
    }
    return response;
  }

  /** A read as Alice: it must be answered, in the envelope when refused. */
  const readAsAlice = (url: string) =>
    attempt(
      `GET ${url}`,
      () => request(server).get(url).set('Authorization', asUser(ALICE)),
      { writes: false },
    );

  /** A JSON write as Alice: when refused, nothing stored may change. */
  const writeAsAlice = (path: string, body: unknown) => {
    const json = JSON.stringify(body);
    return attempt(
      `POST ${path} ${json.slice(0, 300)}`,
      () =>
        request(server)
          .post(`/api/notifications${path}`)
          .set('Authorization', asUser(ALICE))
          .set('Content-Type', 'application/json')
          .send(json),
      { writes: true },
    );
  };

  it('lists notifications whatever the query', async () => {
    await check(
      fc.asyncProperty(
        fc.constantFrom('/notifications', '/'),
        listQuery,
        async (path, query) => {
          await readAsAlice(`/api/notifications${path}${query}`);
        },
      ),
    );
  });

  it('reads one notification whatever the id', async () => {
    await check(
      fc.asyncProperty(
        fc.constantFrom('/notifications/', '/'),
        idSegment,
        strayQuery,
        async (prefix, id, query) => {
          await readAsAlice(`/api/notifications${prefix}${id}${query}`);
        },
      ),
    );
  });

  it('answers status, topics and settings reads whatever the query', async () => {
    await check(
      fc.asyncProperty(
        fc.oneof(
          fc.tuple(fc.constantFrom('/status', '/settings'), strayQuery),
          fc.tuple(fc.constant('/topics'), topicsQuery),
        ),
        async ([path, query]) => {
          await readAsAlice(`/api/notifications${path}${query}`);
        },
      ),
    );
  });

  it('updates read and saved state or changes nothing', async () => {
    await check(
      fc.asyncProperty(
        fc.constantFrom('/notifications/update', '/update'),
        updateBody(() => ownIds),
        async (path, body) => {
          await writeAsAlice(path, body);
        },
      ),
    );
  });

  it('saves settings or changes nothing', async () => {
    await check(
      fc.asyncProperty(settingsBody, async body => {
        await writeAsAlice('/settings', body);
      }),
    );
  });

  it('sends or stores nothing, whatever the body and idempotency key', async () => {
    await check(
      fc.asyncProperty(
        fc.constantFrom('/notifications', '/'),
        fc.oneof(
          {
            weight: 4,
            arbitrary: sendBody.map(body => JSON.stringify(body)),
          },
          {
            weight: 2,
            arbitrary: storableSendBody.map(body => JSON.stringify(body)),
          },
          { weight: 1, arbitrary: deepSendBody },
        ),
        optional(printableHeaderValue),
        async (path, body, idempotencyKey) => {
          await attempt(
            `POST ${path} ${body.slice(0, 300)}`,
            () => {
              const test = request(server)
                .post(`/api/notifications${path}`)
                .set('Authorization', asService(SENDER))
                .set('Content-Type', 'application/json');
              if (idempotencyKey !== undefined) {
                test.set('Idempotency-Key', idempotencyKey);
              }
              return test.send(body);
            },
            { writes: true },
          );
        },
      ),
    );
  });

  it('refuses malformed bodies and content types on every write route', async () => {
    await check(
      fc.asyncProperty(
        fc.constantFrom(
          '/notifications',
          '/',
          '/notifications/update',
          '/update',
          '/settings',
        ),
        fc.constantFrom(...CONTENT_TYPES),
        fc.constantFrom(
          undefined,
          'gzip',
          'deflate',
          'br',
          'identity',
          'x-unknown',
        ),
        rawBody,
        async (path, contentType, contentEncoding, body) => {
          const isSend = path === '/notifications' || path === '/';
          await attempt(
            `POST ${path} (${contentType}, ${contentEncoding}) ${body.slice(
              0,
              300,
            )}`,
            () => {
              const test = request(server)
                .post(`/api/notifications${path}`)
                .set(
                  'Authorization',
                  isSend ? asService(SENDER) : asUser(ALICE),
                )
                .set('Content-Type', contentType);
              if (contentEncoding) {
                test.set('Content-Encoding', contentEncoding);
              }
              return test.send(body);
            },
            { writes: true },
          );
        },
      ),
    );
  });

  it('answers the get-notifications action whatever the input', async () => {
    const url =
      '/api/notifications/.backstage/actions/v1/actions/notifications:get-notifications/invoke';
    await check(
      fc.asyncProperty(
        fc.oneof(
          {
            weight: 5,
            arbitrary: fc.record(
              {
                view: fc.oneof(
                  fc.constantFrom('unread', 'read', 'saved', 'all'),
                  hostileJson,
                ),
                search: fc.oneof(hostileString, hostileJson),
                topic: fc.oneof(hostileString, hostileJson),
                minimumSeverity: fc.oneof(
                  fc.constantFrom(...notificationSeverities),
                  hostileJson,
                ),
                createdAfter: fc.oneof(dateString, hostileJson),
                offset: fc.oneof(fc.nat(), hostileNumber, hostileJson),
                limit: fc.oneof(
                  fc.integer({ min: 1, max: 100 }),
                  hostileNumber,
                ),
              },
              { requiredKeys: [] },
            ),
          },
          { weight: 1, arbitrary: hostileJson },
        ),
        async input => {
          const json = JSON.stringify(input);
          await attempt(
            `POST action ${json.slice(0, 300)}`,
            () =>
              request(server)
                .post(url)
                .set('Authorization', asUser(ALICE))
                .set('Content-Type', 'application/json')
                .send(json),
            { writes: false },
          );
        },
      ),
    );
  });

  it('answers a database failure with a bare 500, on the action and the outbox route too', async () => {
    await knex.schema.renameTable('broadcast_user_status', 'fuzz_moved_away');
    await knex.schema.renameTable('notification_outbox', 'fuzz_outbox_away');
    try {
      const responses = [
        await request(server)
          .get('/api/notifications/notifications?search=secret')
          .set('Authorization', asUser(ALICE)),
        await request(server)
          .post(
            '/api/notifications/.backstage/actions/v1/actions/notifications:get-notifications/invoke',
          )
          .set('Authorization', asUser(ALICE))
          .send({ search: 'secret' }),
        await request(server)
          .get('/api/notifications/admin/outbox')
          .set('Authorization', asService(SENDER)),
      ];
      for (const response of responses) {
        expect(response.status).toBe(500);
        expect(response.body.error).toEqual({
          name: 'Error',
          message: 'Internal server error',
        });
        expect(response.body.response).toEqual({ statusCode: 500 });
      }
    } finally {
      await knex.schema.renameTable('fuzz_moved_away', 'broadcast_user_status');
      await knex.schema.renameTable('fuzz_outbox_away', 'notification_outbox');
    }
  });

  it('answers every route with any credentials', async () => {
    const routes: Array<[method: 'get' | 'post', path: string]> = [
      ['get', '/notifications'],
      ['get', '/'],
      ['get', `/notifications/${'00000000-0000-4000-8000-000000000000'}`],
      ['get', '/status'],
      ['get', '/topics'],
      ['get', '/settings'],
      ['get', '/openapi.json'],
      ['get', '/admin/outbox'],
      ['get', '/admin/outbox/dead'],
      ['post', '/notifications'],
      ['post', '/'],
      ['post', '/notifications/update'],
      ['post', '/update'],
      ['post', '/settings'],
      ['post', '/admin/outbox/dead/requeue'],
    ];
    await check(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.oneof(
          fc.constant(undefined),
          fc.constant(asUser(ALICE)),
          fc.constant(asService(SENDER)),
          fc.constant(
            mockCredentials.service.header({
              onBehalfOf: mockCredentials.service('plugin:other'),
              targetPluginId: 'catalog',
            }),
          ),
          printableHeaderValue,
          printableHeaderValue.map(value => `Bearer ${value}`),
        ),
        strayQuery,
        async ([method, path], authorization, query) => {
          const url = `/api/notifications${path}${query}`;
          await attempt(
            `${method.toUpperCase()} ${url} as ${authorization?.slice(0, 80)}`,
            () => {
              const test = request(server)[method](url);
              if (authorization !== undefined) {
                test.set('Authorization', authorization);
              }
              return method === 'post' ? test.send({}) : test;
            },
            { writes: method === 'post' },
          );
        },
      ),
    );
  });
});
