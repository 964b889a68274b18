'use strict';

/*
 * Herald's sends in two checkouts, side by side:
 *
 *   node scripts/send-ab.js --base=<checkout>   this checkout against that one
 *
 * Options: --new=<checkout> (default: this one) --engines=sqlite,postgres
 * --recipients=1000,10000 --rounds=4 --sends=4 (per side, size and round)
 * --name=send-ab-latest --floor
 *
 * A send's median in `run.js` moved by a tenth and more between runs of the
 * same code, as the machine's speed did, which hides a change of a tenth.
 * Here both backends run at once, as the sample backend runs them (the Email
 * processor registered), each on its own database; their sends alternate one
 * by one (see `alternateRounds`), and each send waits until both outboxes
 * have delivered every send before it: when only each pair waited, the
 * second send of a pair ran beside the first one's emails, and the side that
 * went first more often read faster with the same code on both sides. Each
 * send goes to users no send reached before, as in `run.js`. The first round
 * is the warm-up; the summary is over the rounds after it.
 *
 * With --floor, the send floor (`send-floor.js`: parse, store, answer, with
 * nothing else around it) takes its turn after the two backends, with the
 * same body.
 */
const path = require('node:path');
const { alternateRounds, runAb, sideDatabaseOptions } = require('./ab');
const { CommandProcess } = require('./ipc');
const { postJson } = require('./http-json');
const { outboxDrained } = require('./outbox');
const { releaseSend } = require('./workloads');
const { option, repoRoot } = require('./runner');

const settings = {
  base: option('base'),
  newRoot: option('new', repoRoot),
  engines: option('engines', 'sqlite,postgres').split(','),
  recipients: option('recipients', '1000,10000').split(',').map(Number),
  rounds: Number(option('rounds', 4)),
  sends: Number(option('sends', 4)),
  name: option('name', 'send-ab-latest'),
  floor: process.argv.includes('--floor'),
};

// How often a side's outbox is read while it delivers.
const OUTBOX_POLL_MS = 100;

async function timedSend(side, recipients, label) {
  const entityRef = Array.from(
    { length: recipients },
    (_, i) => `user:default/ab-${label}-${i}`,
  );
  const result = await postJson(
    `${side.backend.baseUrl}/api/notifications`,
    side.staticToken,
    releaseSend(entityRef, label),
  );
  if (result.status !== 200) {
    throw new Error(`${side.side} send: ${result.status} ${result.text}`);
  }
  const stored = JSON.parse(result.text).length;
  if (stored !== recipients) {
    throw new Error(`${side.side} stored ${stored} of ${recipients}`);
  }
  return result.ms;
}

function outboxDelivered(side) {
  return side.side === 'floor'
    ? undefined
    : outboxDrained(side.backend.baseUrl, side.staticToken, OUTBOX_POLL_MS);
}

/**
 * The send floor as a third side, on a database of its own with the new
 * checkout's schema: on the new side's, its rows made the next send of that
 * side slower (1.06–1.24 × the same code's on PostgreSQL).
 */
async function startFloor(engine, runId) {
  const server = new CommandProcess(path.join(__dirname, 'send-floor.js'));
  const { baseUrl } = await server.call('listen', {
    engine,
    databaseOptions: sideDatabaseOptions({ engine, side: 'floor', runId }),
    migrations: path.join(
      path.resolve(settings.newRoot),
      'plugins',
      'notifications-backend',
      'migrations',
    ),
  });
  return { side: 'floor', backend: { baseUrl }, staticToken: 'none', server };
}

async function compare(engine, backends) {
  const floor = settings.floor
    ? await startFloor(engine, backends[0].runId)
    : undefined;
  try {
    return await compareSends(engine, floor ? [...backends, floor] : backends);
  } finally {
    if (floor) {
      await floor.server.call('close');
      floor.server.stop();
    }
  }
}

async function compareSends(engine, sides) {
  const result = {};
  for (const recipients of settings.recipients) {
    result[recipients] = await alternateRounds({
      sides,
      rounds: settings.rounds,
      steps: settings.sends,
      label: `${engine} send to ${recipients}`,
      digits: 1,
      measure: (side, round, step) =>
        timedSend(side, recipients, `${recipients}-${round}-${step}`),
      afterEach: () => Promise.all(sides.map(outboxDelivered)),
    });
  }
  return result;
}

runAb({
  script: 'send-ab.js',
  settings,
  compare,
  table: {
    title: 'Sends, two checkouts side by side',
    how: [
      `${settings.sends} sends per side, size and round, alternating, the Email processor registered; each send is`,
      'timed after both outboxes delivered the sends before it. Medians in ms, the last row of each size over every',
      'send after the warm-up round. The first quartile is moved less than the median by what else the machine runs.',
      ...(settings.floor
        ? [
            "The send floor (`scripts/send-floor.js`: the body parsed, the rows stored with the storage floor's statement,",
            'every notification answered, gzipped while the database writes) took its turn after the two backends.',
          ]
        : []),
    ],
    column: 'Send to',
    align: '---:',
    digits: 1,
  },
}).catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
