import fc from 'fast-check';
import WebSocket from 'ws';
import {
  TestClient,
  startSignalsBackend,
  userToken,
} from './__testUtils__/harness';

/*
 * Hostile frames on the signals socket: whatever a client sends, the server
 * either ignores the frame (the connection still answers a ping) or closes
 * that connection with a WebSocket close code, and keeps serving everyone
 * else. FUZZ_RUNS changes the number of cases, FUZZ_SEED replays a run.
 */

// fc.assert is what fails these tests; the rule only recognises expect().
/* eslint-disable jest/expect-expect */

jest.setTimeout(120_000);

const NUM_RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED =
  process.env.FUZZ_SEED === undefined
    ? undefined
    : Number(process.env.FUZZ_SEED);

const MAX_CHANNEL_NAME_LENGTH = 64;
const MAX_FRAME_BYTES = 16 * 1024;

/**
 * Closes a server may answer a bad frame with: protocol error, invalid UTF-8
 * in a text frame, policy violation, frame too big, capacity reached.
 */
const ALLOWED_CLOSE_CODES = [1002, 1007, 1008, 1009, 1013];

const SPECIAL_PIECES = [
  '\u0000',
  '\uD800',
  '\uDC00',
  '\uFFFF',
  '\u202E',
  '\n',
  '"',
  '\\',
  '\u{1F600}',
  'notifications',
  '*',
  '',
];

const hostileString = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom(...SPECIAL_PIECES),
          fc.string({ unit: 'binary', maxLength: 6 }),
        ),
        { maxLength: 5 },
      )
      .map(parts => parts.join('')),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom(
          MAX_CHANNEL_NAME_LENGTH - 1,
          MAX_CHANNEL_NAME_LENGTH,
          MAX_CHANNEL_NAME_LENGTH + 1,
          4_000,
        ),
        fc.constantFrom('c', '\u{1F600}', '\uD800'),
      )
      .map(([length, piece]) => piece.repeat(length).slice(0, length)),
  },
);

const hostileValue: fc.Arbitrary<unknown> = fc.letrec(tie => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.constantFrom(-1, 2 ** 53, 2 ** 64, 1e308, 0.5),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 3 }),
  ),
})).value;

type Frame =
  | { kind: 'text'; data: string }
  | { kind: 'binary'; data: Uint8Array }
  | { kind: 'invalid-utf8'; data: Uint8Array }
  | { kind: 'ping' };

const jsonFrame = fc
  .record(
    {
      action: fc.oneof(
        fc.constantFrom('subscribe', 'unsubscribe', 'publish', ''),
        hostileValue,
      ),
      channel: fc.oneof(hostileString, hostileValue),
      offset: fc.oneof(
        fc.constantFrom(0, null, -1, 1.5, 2 ** 53, 2 ** 64, '1'),
        hostileValue,
      ),
    },
    { requiredKeys: [] },
  )
  .map((frame): Frame => ({ kind: 'text', data: JSON.stringify(frame) }));

const deepFrame = fc.constantFrom(100, 5_000, 100_000).map(
  (depth): Frame => ({
    kind: 'text',
    data: `${'['.repeat(depth)}${']'.repeat(depth)}`,
  }),
);

const frame: fc.Arbitrary<Frame> = fc.oneof(
  { weight: 6, arbitrary: jsonFrame },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        hostileString,
        fc.constantFrom('', '{', 'null', '[]', '"x"', '1e999999'),
        fc.constantFrom(MAX_FRAME_BYTES, MAX_FRAME_BYTES + 1).map(size =>
          JSON.stringify({
            action: 'subscribe',
            channel: 'x'.repeat(size - 35),
          }),
        ),
      )
      .map((data): Frame => ({ kind: 'text', data })),
  },
  { weight: 1, arbitrary: deepFrame },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 64 })
      .map((data): Frame => ({ kind: 'binary', data })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90])
      .map(
        (bytes): Frame => ({
          kind: 'invalid-utf8',
          data: Uint8Array.from(bytes),
        }),
      ),
  },
  { weight: 1, arbitrary: fc.constant<Frame>({ kind: 'ping' }) },
);

function sendFrame(socket: WebSocket, sent: Frame) {
  if (socket.readyState !== WebSocket.OPEN) {
    return;
  }
  if (sent.kind === 'ping') {
    socket.ping();
  } else if (sent.kind === 'text') {
    socket.send(sent.data);
  } else {
    // An invalid UTF-8 text frame is sent as bytes with the text opcode.
    socket.send(sent.data, { binary: sent.kind === 'binary' });
  }
}

/** Resolves with 'open' after a ping round trip, or with the close code. */
function settle(client: TestClient): Promise<'open' | number> {
  return Promise.race([
    client.closed.then(({ code }) => code),
    client.socket.readyState === WebSocket.OPEN
      ? client.roundTrip().then(() => 'open' as const)
      : new Promise<never>(() => {}),
  ]);
}

describe('signals socket under hostile frames', () => {
  let server: Awaited<ReturnType<typeof startSignalsBackend>>;
  let canary: TestClient;
  let cases = 0;
  const outcomes = new Map<string, number>();

  beforeAll(async () => {
    server = await startSignalsBackend({
      config: {
        signals: {
          maxChannelNameLength: MAX_CHANNEL_NAME_LENGTH,
          maxFrameBytes: MAX_FRAME_BYTES,
        },
      },
    });
    canary = await TestClient.open(server.url, userToken('bob'));
    await canary.subscribe('canary');
  });

  afterAll(async () => {
    process.stdout.write(
      `signals fuzz: ${cases} connections, outcomes ${JSON.stringify(
        Object.fromEntries(outcomes),
      )}\n`,
    );
    await canary?.close();
    await server?.backend.stop();
  });

  it('ignores or closes every bad frame and keeps serving other sockets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(frame, { minLength: 1, maxLength: 6 }),
        async frames => {
          const client = await TestClient.open(server.url, userToken('alice'));
          // The client must not die on what the server sends back either.
          client.socket.on('error', () => {});
          for (const sent of frames) {
            sendFrame(client.socket, sent);
          }
          const outcome = await settle(client);
          cases += 1;
          outcomes.set(
            String(outcome),
            (outcomes.get(String(outcome)) ?? 0) + 1,
          );
          if (outcome !== 'open' && !ALLOWED_CLOSE_CODES.includes(outcome)) {
            throw new Error(`Connection closed with ${outcome}`);
          }
          if (outcome === 'open') {
            client.socket.close();
          }
          await client.closed;

          await server.signals.publish({
            recipients: { type: 'user', entityRef: 'user:default/bob' },
            channel: 'canary',
            message: { case: cases },
          });
          const [received] = await canary.take();
          if (received?.message?.case !== cases) {
            throw new Error(
              `Canary received ${JSON.stringify(received)} after case ${cases}`,
            );
          }
        },
      ),
      { numRuns: NUM_RUNS, seed: SEED },
    );
  });
});
