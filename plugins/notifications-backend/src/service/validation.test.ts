import { InputError } from '@backstage/errors';
import { Request } from 'express';
import {
  MAX_METADATA_DEPTH,
  findUnstorableJson,
  toNotificationContent,
  validateSendOptions,
} from '../send/validation';
import {
  DATE_PARAMETER_RANGE,
  MAX_BODY_DEPTH,
  MAX_PAGE_PARAMETER,
  assertStorableRequest,
  toListOptions,
  toNotificationFilter,
} from './validation';

function nested(depth: number): unknown {
  let value: unknown = {};
  for (let level = 1; level < depth; level++) {
    value = { a: value };
  }
  return value;
}

function requestWith(parts: {
  path?: string;
  query?: unknown;
  body?: unknown;
}): Request {
  return { path: '/notifications', query: {}, body: {}, ...parts } as Request;
}

describe('findUnstorableJson', () => {
  it('names the first string or key holding a NUL', () => {
    expect(
      findUnstorableJson(
        { a: ['ok', 'bad\u0000'] },
        { path: 'body', maxDepth: 10 },
      ),
    ).toBe('body.a[1] contains a NUL character');
    expect(
      findUnstorableJson({ 'k\u0000': 1 }, { path: '', maxDepth: 10 }),
    ).toBe('has a key with a NUL character');
  });

  it('counts the value itself as level 1 and refuses one level more than allowed', () => {
    expect(
      findUnstorableJson(nested(3), { path: 'm', maxDepth: 3 }),
    ).toBeUndefined();
    expect(findUnstorableJson(nested(4), { path: 'm', maxDepth: 3 })).toBe(
      'm.a.a.a is nested deeper than 3 levels',
    );
  });

  it('walks 200,000 levels without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(
      findUnstorableJson(deep, { path: '', maxDepth: Infinity }),
    ).toBeUndefined();
    expect(findUnstorableJson(deep, { path: '', maxDepth: 64 })).toMatch(
      /nested deeper than 64 levels$/,
    );
  });

  it('accepts lone surrogates and noncharacters, which every database stores', () => {
    expect(
      findUnstorableJson(
        { '\uD800': '\uDC00\uFFFF\uFFFE' },
        { path: '', maxDepth: 2 },
      ),
    ).toBeUndefined();
  });

  it('keeps a huge key out of the message', () => {
    const problem = findUnstorableJson(
      { ['k'.repeat(100_000)]: '\u0000' },
      { path: '', maxDepth: 2 },
    );
    expect(problem!.length).toBeLessThan(300);
  });
});

describe('the query checks the spec cannot express', () => {
  it('reads flags and passes validated page parameters through', () => {
    expect(
      toListOptions({
        read: 'false',
        saved: 'true',
        limit: MAX_PAGE_PARAMETER,
      }),
    ).toMatchObject({ read: false, saved: true, limit: MAX_PAGE_PARAMETER });
  });

  it('parses one or more order fields', () => {
    expect(toListOptions({ orderField: 'topic' }).orderBy).toEqual([
      { field: 'topic', direction: undefined },
    ]);
    expect(
      toListOptions({ orderField: ['read,asc', 'created,desc'] }).orderBy,
    ).toEqual([
      { field: 'read', direction: 'asc' },
      { field: 'created', direction: 'desc' },
    ]);
  });

  it.each([
    ['password,asc', "Invalid order field 'password'"],
    ['created,up', 'must be asc or desc'],
    ['created,asc,more', "expected 'field,asc' or 'field,desc'"],
  ])('refuses the order field %s', (orderField, message) => {
    expect(() => toListOptions({ orderField })).toThrow(InputError);
    expect(() => toListOptions({ orderField })).toThrow(message);
  });

  it('accepts createdAfter at both ends of the range', () => {
    for (const date of [
      DATE_PARAMETER_RANGE.earliest,
      DATE_PARAMETER_RANGE.latest,
    ]) {
      expect(toNotificationFilter({ createdAfter: date }).createdAfter).toEqual(
        new Date(date),
      );
    }
  });

  it.each([
    '-004714-01-01T00:00:00.000Z',
    '0000-12-31T23:59:59.999Z',
    '+010000-01-01T00:00:00.000Z',
    '+275760-09-13T00:00:00.000Z',
  ])('refuses createdAfter %s', createdAfter => {
    expect(() => toListOptions({ createdAfter })).toThrow(
      'createdAfter must be between 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z',
    );
  });

  it('still answers an unparsable date as before', () => {
    expect(() => toListOptions({ createdAfter: 'yesterday' })).toThrow(
      'Unexpected date format',
    );
  });
});

describe('assertStorableRequest', () => {
  it('passes ordinary requests', () => {
    expect(() =>
      assertStorableRequest(
        requestWith({ query: { search: 'x' }, body: { ids: ['a'] } }),
      ),
    ).not.toThrow();
  });

  it.each([
    [
      'a NUL in the path',
      { path: '/notifications/%00' },
      'Invalid path: contains a NUL character',
    ],
    [
      'a NUL in a query value',
      { query: { search: 'a\u0000' } },
      'Invalid query parameters: search contains a NUL character',
    ],
    [
      'a NUL in a repeated query parameter',
      { query: { orderField: ['created', 'topic\u0000'] } },
      'Invalid query parameters: orderField[1] contains a NUL character',
    ],
    [
      'a NUL in a metadata key',
      { body: { payload: { metadata: { 'x\u0000': 1 } } } },
      'Invalid request body: payload.metadata has a key with a NUL character',
    ],
    [
      'a body nested past the cap',
      { body: nested(MAX_BODY_DEPTH + 1) },
      `Invalid request body: ${'a.'
        .repeat(MAX_BODY_DEPTH)
        .slice(0, -1)} is nested deeper than 64 levels`,
    ],
  ])('refuses %s', (_name, parts, message) => {
    expect(() => assertStorableRequest(requestWith(parts))).toThrow(
      new InputError(message),
    );
  });

  it('leaves a malformed escape in the path to the router', () => {
    expect(() =>
      assertStorableRequest(requestWith({ path: '/notifications/%E0%A4%A' })),
    ).not.toThrow();
  });
});

describe('send content limits', () => {
  const send = (payload: object) =>
    validateSendOptions(
      { recipients: { type: 'broadcast' }, payload: payload as any },
      'plugin:ci',
      'http://localhost:3000',
    );

  it(`accepts metadata ${MAX_METADATA_DEPTH} levels deep and refuses one more`, () => {
    expect(
      send({ title: 't', metadata: nested(MAX_METADATA_DEPTH) as any })
        .metadata,
    ).toBeDefined();
    expect(() =>
      send({ title: 't', metadata: nested(MAX_METADATA_DEPTH + 1) as any }),
    ).toThrow(
      /^Invalid notification request received: payload\.metadata(\.a)+ is nested deeper than 32 levels$/,
    );
  });

  it('refuses a NUL in any field, recipients included', () => {
    expect(() => send({ title: 'a\u0000b' })).toThrow(
      'Invalid notification request received: payload.title contains a NUL character',
    );
    expect(() =>
      validateSendOptions(
        {
          recipients: { type: 'entity', entityRef: ['user:default/a\u0000'] },
          payload: { title: 't' },
        },
        'plugin:ci',
        'http://localhost:3000',
      ),
    ).toThrow('recipients.entityRef[0] contains a NUL character');
  });

  it('keeps the validated value where a processor returns what cannot be stored', () => {
    const validated = send({
      title: 'title',
      description: 'description',
      topic: 'topic',
      metadata: { ok: true },
    });
    expect(
      toNotificationContent(
        {
          title: 'rewritten\u0000',
          description: 'rewritten\u0000',
          topic: 'rewritten\u0000',
          metadata: nested(MAX_METADATA_DEPTH + 1) as any,
        },
        validated,
      ),
    ).toMatchObject({
      title: 'title',
      description: 'description',
      topic: 'topic',
      metadata: { ok: true },
    });
  });
});
