import { TestDatabases } from '@backstage/backend-test-utils';
import { NotificationsTestBackend } from './backend';

/**
 * What the integration suite of a channel module needs in every test: the
 * databases it runs on, and `startBackend`, which starts a backend with the
 * suite's own `start` and stops it after the test (a test may stop it
 * earlier, to restart). Call it at the top of the suite's `describe`, before
 * the `afterEach` that stops the stand-in receivers: Jest runs a block's
 * `afterEach` hooks in the order they are declared, so no backend outlives
 * the receivers it delivers to.
 */
export function channelModuleSuite<TArgs extends unknown[]>(
  start: (...args: TArgs) => Promise<NotificationsTestBackend>,
) {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
  });
  const started: NotificationsTestBackend[] = [];
  afterEach(async () => {
    // Stopping is idempotent, so backends a test stopped itself are fine.
    await Promise.all(started.splice(0).map(backend => backend.stop()));
  });
  return {
    databases,
    async startBackend(...args: TArgs): Promise<NotificationsTestBackend> {
      const backend = await start(...args);
      started.push(backend);
      return backend;
    },
  };
}
