import { fork } from 'child_process';
import { resolve } from 'path';

/** A backend replica running `server.ts` (or `script`) in a child process. */
export type Replica = {
  url: string;
  /** The child's process id, e.g. to read its CPU time. */
  pid: number;
  /** Sends a request over IPC and resolves with the child's answer. */
  call(message: object): Promise<any>;
  stop(): Promise<void>;
};

export async function startReplica(
  env: Record<string, string> = {},
  script = 'server.ts',
): Promise<Replica> {
  const child = fork(resolve(__dirname, script), [], {
    env: { ...process.env, ...env },
    execArgv: [
      // e.g. `--cpu-prof` for a post-mortem of the backend side.
      ...(process.env.BENCH_REPLICA_NODE_ARGS?.split(' ').filter(Boolean) ??
        []),
      '--expose-gc',
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
    ],
  });
  let nextId = 0;
  const pending = new Map<number, (value: any) => void>();
  const url = await new Promise<string>((done, fail) => {
    child.once('exit', code => fail(new Error(`replica exited with ${code}`)));
    child.on('message', (message: any) => {
      if (message.type === 'ready') {
        done(message.url);
      } else {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    });
  });
  return {
    url,
    pid: child.pid!,
    call: message =>
      new Promise<any>(done => {
        const id = nextId++;
        pending.set(id, done);
        child.send({ ...message, id });
      }),
    stop: () =>
      new Promise<void>(done => {
        child.removeAllListeners('exit');
        child.once('exit', () => done());
        child.send({ type: 'stop' });
      }),
  };
}
