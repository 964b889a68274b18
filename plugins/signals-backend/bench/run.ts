import { fork } from 'child_process';
import { resolve } from 'path';
import { FanoutTarget, runFanout } from './fanout';

/** Starts our backend in a child process and runs the fan-out benchmark. */
async function main() {
  const child = fork(resolve(__dirname, 'server.ts'), [], {
    execArgv: [
      '--expose-gc',
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
    ],
  });
  let nextId = 0;
  const pending = new Map<number, (value: any) => void>();
  const url = await new Promise<string>(done => {
    child.on('message', (message: any) => {
      if (message.type === 'ready') {
        done(message.url);
      } else {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    });
  });
  const call = (message: object) =>
    new Promise<any>(done => {
      const id = nextId++;
      pending.set(id, done);
      child.send({ ...message, id });
    });
  const target: FanoutTarget = {
    url,
    tokenFor: index => `user-u${index}`,
    publish: async signal => {
      await call({ type: 'publish', signal });
    },
    memory: async () => (await call({ type: 'memory' })).usage,
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
  child.send({ type: 'stop' });
}

main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
