import { EventEmitter } from 'events';
import { WebSocket } from 'ws';
import { SequencedSignal } from '../src/bus/types';
import { defaultSignalsConfig } from '../src/config';
import { SignalHub } from '../src/hub/SignalHub';
import { silentLogger } from '../src/__testUtils__/silentLogger';

/**
 * CPU time of the hub alone: `BENCH_SOCKETS` connections (half of them with
 * offsets) subscribed to one channel, and per round a broadcast, a signal to
 * 100 users with a per-user part, and one to a group. The sockets are
 * stand-ins that count bytes and report each frame written at once, so the
 * figure is the hub's indexing, encoding and bookkeeping without any network
 * or event-loop wait. CPU time rather than wall time, so that a loaded
 * machine skews it less; compare runs made side by side.
 */
class CountingSocket extends EventEmitter {
  readonly readyState = WebSocket.OPEN;
  bytes = 0;
  /** Where the hub writes its frames, as on a `ws` socket. */
  readonly _socket = {
    write: (frame: Buffer, written: () => void) => {
      this.bytes += frame.length;
      written();
    },
  };
  close() {}
  terminate() {}
  ping() {}
}

function main() {
  const sockets = Number(process.env.BENCH_SOCKETS ?? 5000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 1000);
  const channel = 'bench';
  const hub = new SignalHub(defaultSignalsConfig, silentLogger);
  const user = (i: number) => `user:default/u${i % sockets}`;
  const all: CountingSocket[] = [];
  for (let i = 0; i < sockets; i++) {
    const socket = new CountingSocket();
    hub.add(socket as unknown as WebSocket, user(i), [
      `group:default/g${i % 50}`,
    ]);
    const subscribe =
      i % 2
        ? { action: 'subscribe', channel, offset: null }
        : { action: 'subscribe', channel };
    socket.emit('message', Buffer.from(JSON.stringify(subscribe)), false);
    all.push(socket);
  }

  let offset = 0;
  const signals: SequencedSignal[] = [];
  for (let r = 0; r < rounds; r++) {
    const users = Array.from({ length: 100 }, (_, k) => user(r * 37 + k * 41));
    signals.push(
      {
        channel,
        recipients: { type: 'broadcast' },
        message: { action: 'refresh', round: r },
        offset: ++offset,
      },
      {
        channel,
        recipients: { type: 'user', entityRef: users },
        message: {
          action: 'new_notification',
          notification: {
            payload: { title: 'Title', description: 'x'.repeat(200) },
          },
        },
        perRecipient: Object.fromEntries(
          users.map(ref => [
            ref,
            { notification_id: ref, notification: { id: ref, user: ref } },
          ]),
        ),
        offset: ++offset,
      },
      {
        channel,
        recipients: { type: 'user', entityRef: `group:default/g${r % 50}` },
        message: { round: r },
        offset: ++offset,
      },
    );
  }

  const cpuBefore = process.cpuUsage();
  for (const signal of signals) {
    hub.deliver(signal);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const frames = all.reduce((sum, socket) => sum + socket.bytes, 0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(
    `${JSON.stringify(
      {
        sockets,
        rounds,
        signals: signals.length,
        bytesWritten: frames,
        cpuMs: Math.round(cpuMs),
        cpuMicrosPerSignal: Math.round((cpuMs * 1000) / signals.length),
      },
      null,
      2,
    )}\n`,
  );
}

main();
