import { FanoutTarget, runFanout } from './fanout';
import { startReplica } from './replica';

/** Starts our backend in a child process and runs the fan-out benchmark. */
async function main() {
  const replica = await startReplica();
  const target: FanoutTarget = {
    url: replica.url,
    tokenFor: index => `user-u${index}`,
    publish: async signal => {
      await replica.call({ type: 'publish', signal });
    },
    memory: async () => (await replica.call({ type: 'memory' })).usage,
  };
  const result = await runFanout(target, {
    sockets: Number(process.env.BENCH_SOCKETS ?? 5000),
    targeted: Number(process.env.BENCH_TARGETED ?? 1000),
    rounds: Number(process.env.BENCH_ROUNDS ?? 5),
  });
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  process.stdout.write(
    `${JSON.stringify(
      {
        ...result,
        broadcastMedianMs: median(result.broadcastMs),
        targetedMedianMs: median(result.targetedMs),
      },
      null,
      2,
    )}\n`,
  );
  await replica.stop();
}

main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
