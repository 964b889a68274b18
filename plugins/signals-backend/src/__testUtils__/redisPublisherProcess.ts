/*
 * A replica in a process of its own, for tests that kill one: publishes
 * `{ n }` on a channel, n = 1, 2, 3, …, and prints `acked <n>` once each
 * publish has resolved. Arguments: Redis URL, key prefix, channel.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { RedisSignalBus } from '../bus/RedisSignalBus';

const [url, keyPrefix, channel] = process.argv.slice(2);

const silent: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silent;
  },
};

async function main() {
  const bus = new RedisSignalBus({
    connection: url,
    keyPrefix,
    retentionMs: 600_000,
    logger: silent,
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
