import { ChildProcess, spawn, spawnSync } from 'child_process';
import { randomUUID } from 'crypto';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import Redis from 'ioredis';
import { tmpdir } from 'os';
import { join } from 'path';
import { freePort } from './freePort';

/** The shared Redis the tests use; CI sets the variable. */
export const testRedisUrl =
  process.env.HERALD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix of its own per test run, so runs never see each other's keys. */
export function uniqueKeyPrefix() {
  return `herald-test:${randomUUID()}:`;
}

/** Deletes every key under `prefix`. */
export async function deleteKeys(url: string, prefix: string) {
  const redis = new Redis(url);
  try {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

export const hasRedisServer =
  spawnSync('redis-server', ['--version']).status === 0;

/**
 * A Redis of the test's own, never the shared one: it may be killed and
 * restarted. It persists every write before acknowledging it
 * (`appendfsync always`), so a kill loses nothing that was acknowledged.
 */
export async function startThrowawayRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'herald-redis-'));
  let child: ChildProcess | undefined;
  const readLog = () => {
    try {
      return readFileSync(join(dir, 'redis.log'), 'utf8').slice(-2_000);
    } catch {
      return '(no log)';
    }
  };

  const start = async () => {
    child = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--dir',
        dir,
        '--logfile',
        'redis.log',
      ],
      { stdio: 'ignore' },
    );
    const probe = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      connectTimeout: 1_000,
      commandTimeout: 1_000,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    probe.on('error', () => {});
    const deadline = Date.now() + 15_000;
    try {
      for (;;) {
        try {
          await probe.connect();
          await probe.ping();
          return;
        } catch (error) {
          probe.disconnect();
          if (child?.exitCode !== null || Date.now() > deadline) {
            throw new Error(
              `redis-server on port ${port} did not answer (exit code ${
                child?.exitCode
              }): ${error}\n${readLog()}`,
            );
          }
          await new Promise(resolve => setTimeout(resolve, 50));
        }
      }
    } finally {
      probe.disconnect();
    }
  };

  /** Kills the server the way a crash would: no shutdown, no final save. */
  const kill = async () => {
    const dying = child;
    child = undefined;
    if (dying && dying.exitCode === null) {
      const exited = new Promise(resolve => dying.once('exit', resolve));
      dying.kill('SIGKILL');
      await exited;
    }
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill,
    /** Starts the server again on the same port and data directory. */
    restart: async () => {
      await kill();
      await start();
    },
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
