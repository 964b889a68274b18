import { randomUUID } from 'crypto';
import Redis from 'ioredis';
import { PublishedSignal, SequencedSignal } from './types';

/**
 * Numbers a batch of signals on their channels and appends them to the
 * stream in one script, so offsets and stream order agree: Redis runs a
 * script alone, and a channel's offsets therefore appear in the stream in
 * increasing order. An offset never goes below the publisher's floor, the
 * offset after the last one it delivered on that channel, so offsets a
 * Redis without persistence forgot are not handed out again. The stream is
 * trimmed to the retention by Redis's own clock.
 *
 * A batch is applied once: its offsets are kept under the batch's own key
 * for a while, and a batch sent again, as the client does with commands
 * whose reply a lost connection swallowed, gets them back without being
 * appended a second time.
 *
 * KEYS: offsets hash, stream, batch key. ARGV: retention in ms, how long the
 * batch key lives in ms, then channel, floor and payload per signal. Returns
 * the offsets in batch order.
 */
const PUBLISH_SCRIPT = `
local applied = redis.call('GET', KEYS[3])
if applied then
  return cjson.decode(applied)
end
local now = redis.call('TIME')
local minId = (tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  - tonumber(ARGV[1])) .. '-0'
local offsets = {}
for i = 3, #ARGV, 3 do
  local offset = redis.call('HINCRBY', KEYS[1], ARGV[i], 1)
  local floor = tonumber(ARGV[i + 1])
  if offset < floor then
    offset = floor
    redis.call('HSET', KEYS[1], ARGV[i], offset)
  end
  redis.call('XADD', KEYS[2], 'MINID', '~', minId, '*', 'o', offset, 'p', ARGV[i + 2])
  offsets[#offsets + 1] = offset
end
redis.call('SET', KEYS[3], cjson.encode(offsets), 'PX', ARGV[2])
return offsets
`;

/** Far longer than any reconnect that ends with a batch sent again. */
const BATCH_KEY_TTL_MS = 10 * 60 * 1000;

type StreamEntry = [id: string, fields: string[]];

/** A signal read from the stream with the stream id it follows on from. */
export type StreamSignal = { id: string; signal: SequencedSignal };

function toStreamSignal([id, fields]: StreamEntry): StreamSignal {
  let offset = 0;
  let payload = '{}';
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'o') {
      offset = Number(fields[i + 1]);
    } else if (fields[i] === 'p') {
      payload = fields[i + 1];
    }
  }
  return {
    id,
    signal: { ...(JSON.parse(payload) as PublishedSignal), offset },
  };
}

type Publisher = Redis & {
  heraldSignalsPublish(
    offsetsKey: string,
    streamKey: string,
    batchKey: string,
    ...args: Array<string | number>
  ): Promise<number[]>;
};

/** Entries per history page, to bound one reply's size. */
const HISTORY_PAGE = 1000;

/**
 * The Redis commands of the Redis signal bus. All signals go through one
 * stream, `<prefix>log`, whose entries carry the channel offset and the
 * signal; the last offset of every channel is in the hash `<prefix>offsets`;
 * `<prefix>batch:<uuid>` keys remember applied batches for a few minutes.
 */
export class RedisSignalStream {
  readonly streamKey: string;
  readonly offsetsKey: string;
  private readonly batchKeyPrefix: string;
  private readonly publisher: Publisher;

  constructor(
    publisher: Redis,
    keyPrefix: string,
    private readonly retentionMs: number,
  ) {
    this.streamKey = `${keyPrefix}log`;
    this.offsetsKey = `${keyPrefix}offsets`;
    this.batchKeyPrefix = `${keyPrefix}batch:`;
    publisher.defineCommand('heraldSignalsPublish', {
      numberOfKeys: 3,
      lua: PUBLISH_SCRIPT,
    });
    this.publisher = publisher as Publisher;
  }

  /** Appends a batch; resolves with the offsets, in the order of `batch`. */
  async publish(
    batch: Array<{ signal: PublishedSignal; floor: number }>,
  ): Promise<number[]> {
    const args: Array<string | number> = [this.retentionMs, BATCH_KEY_TTL_MS];
    for (const { signal, floor } of batch) {
      args.push(signal.channel, floor, JSON.stringify(signal));
    }
    const offsets = await this.publisher.heraldSignalsPublish(
      this.offsetsKey,
      this.streamKey,
      `${this.batchKeyPrefix}${randomUUID()}`,
      ...args,
    );
    return offsets.map(Number);
  }

  /**
   * The signals the stream still holds from the retention before Redis's
   * now, oldest first, and the id to read on from.
   */
  async history(): Promise<{ signals: SequencedSignal[]; lastId: string }> {
    const [seconds, micros] = await this.publisher.time();
    const nowMs = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    let lastId = `${Math.max(nowMs - this.retentionMs, 0)}-0`;
    const signals: SequencedSignal[] = [];
    for (;;) {
      const entries = (await this.publisher.xrange(
        this.streamKey,
        `(${lastId}`,
        '+',
        'COUNT',
        HISTORY_PAGE,
      )) as StreamEntry[];
      for (const entry of entries) {
        const read = toStreamSignal(entry);
        signals.push(read.signal);
        lastId = read.id;
      }
      if (entries.length < HISTORY_PAGE) {
        return { signals, lastId };
      }
    }
  }

  /**
   * Waits up to `blockMs` for entries after `lastId` on `reader`, a
   * connection of its own since a blocked connection serves nobody else.
   */
  async readAfter(
    reader: Redis,
    lastId: string,
    blockMs: number,
    count: number,
  ): Promise<StreamSignal[]> {
    const reply = (await reader.call(
      'XREAD',
      'COUNT',
      count,
      'BLOCK',
      blockMs,
      'STREAMS',
      this.streamKey,
      lastId,
    )) as Array<[key: string, entries: StreamEntry[]]> | null;
    return reply?.[0]?.[1].map(toStreamSignal) ?? [];
  }
}
