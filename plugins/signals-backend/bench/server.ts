import { startSignalsBackend } from '../src/__testUtils__/harness';

/**
 * Runs the Herald signals backend in its own process for the fan-out bench,
 * publishing and reporting memory on request over IPC.
 */
async function main() {
  const server = await startSignalsBackend();
  const send = (message: unknown) => process.send!(message);
  process.on('message', async (message: any) => {
    if (message.type === 'publish') {
      await server.signals.publish(message.signal);
      send({ id: message.id });
    } else if (message.type === 'memory') {
      global.gc?.();
      send({ id: message.id, usage: process.memoryUsage() });
    } else if (message.type === 'stop') {
      await server.backend.stop();
      process.exit(0);
    }
  });
  send({ type: 'ready', url: server.url });
}

main().catch(error => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
