/*
 * A replica in a process of its own, for tests that kill one: publishes
 * `{ n }` on a channel, n = 1, 2, 3, …, and prints `acked <n>` once each
 * publish has resolved. Arguments: Redis URL, key prefix, channel.
 */
import { RedisSignalBus } from '../bus/RedisSignalBus';
import { silentLogger } from './silentLogger';

const [url, keyPrefix, channel] = process.argv.slice(2);

async function main() {
  const bus = new RedisSignalBus({
    connection: url,
    keyPrefix,
    retentionMs: 600_000,
    logger: silentLogger,
  });
  await bus.start(
    () => {},
    () => {},
  );
  for (let n = 1; ; n++) {
    await bus.publish({
      recipients: { type: 'broadcast' },
      channel,
      message: { n },
    });
    process.stdout.write(`acked ${n}\n`);
  }
}

main().catch(error => {
  process.stderr.write(`${error}\n`);
  process.exit(1);
});
