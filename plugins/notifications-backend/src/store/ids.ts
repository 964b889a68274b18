import { randomFillSync } from 'node:crypto';

/** Random bytes are drawn in blocks: one system call per 256 ids, not per id. */
const RANDOM_BLOCK = 16 * 256;
const random = Buffer.alloc(RANDOM_BLOCK);
let randomOffset = RANDOM_BLOCK;

let lastMs = 0;
let sequence = 0;

/**
 * A version 7 UUID (RFC 9562): milliseconds since the epoch, then a 12-bit
 * sequence that counts up within a millisecond, then 62 random bits.
 *
 * Ids of rows written together are therefore ascending, so a send's rows are
 * appended to the primary-key index instead of each landing on a random page
 * of it, which on both SQLite and PostgreSQL costs a page read and write per
 * row once the index outgrows the cache. The ids stay UUIDs (the `uuid`
 * column and every client accept them) and stay unguessable.
 */
export function timeOrderedUuid(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    // 4,096 ids in one millisecond: borrow the next one, keeping the order.
    lastMs += 1;
    sequence = 0;
  }
  if (randomOffset === RANDOM_BLOCK) {
    randomFillSync(random);
    randomOffset = 0;
  }
  const bytes = random.subarray(randomOffset, randomOffset + 16);
  randomOffset += 16;
  const hex = (value: number, digits: number) =>
    value.toString(16).padStart(digits, '0');
  const rest = bytes.toString('hex');
  return [
    hex(Math.floor(lastMs / 0x10000), 8),
    hex(lastMs % 0x10000, 4),
    `7${hex(sequence, 3)}`,
    // The variant: the top two bits of this group are 10.
    hex(0x8000 | (bytes.readUInt16BE(0) & 0x3fff), 4),
    rest.slice(4, 16),
  ].join('-');
}
