'use strict';

/*
 * Herald's inbox in two checkouts, side by side:
 *
 *   node scripts/inbox-ab.js --base=<checkout>   this checkout against that one
 *
 * Options: --new=<checkout> (default: this one) --engines=sqlite,postgres
 * --queries=list-default,list-all,status (see workloads.js) --rounds=5
 * --requests=300 (per side, query and round) --name=inbox-ab-latest
 *
 * A change of a millisecond to the inbox page is lost in `run.js`'s noise on
 * two shared cores: its medians for the same code moved by up to 2.6 ms from
 * one run to the next. Here both backends run at once, each on its own database
 * seeded with the same inbox, and their requests alternate one by one, so
 * both meet the machine in the same state. Each round's medians are
 * reported, the first being the backends' warm-up; the summary is over the
 * rounds after it.
 */
const { performance } = require('node:perf_hooks');
const { alternateRounds, runAb } = require('./ab');
const { benchToken } = require('./clients');
const { notificationsDatabase, seedInbox } = require('./databases');
const { httpGet } = require('./http-get');
const { inboxQueries } = require('./workloads');
const { option, repoRoot } = require('./runner');

const settings = {
  base: option('base'),
  newRoot: option('new', repoRoot),
  engines: option('engines', 'sqlite,postgres').split(','),
  queries: option('queries', 'list-default,list-all,status').split(','),
  rounds: Number(option('rounds', 5)),
  requests: Number(option('requests', 300)),
  name: option('name', 'inbox-ab-latest'),
};

const OWNER = 'inbox-ab-owner';
// The main inbox of run.js's inbox workloads, beside ten smaller ones.
const INBOX = {
  user: `user:default/${OWNER}`,
  rows: 100000,
  otherUsers: 10,
  otherRowsPerUser: 1000,
};

/** Seeds a side's inbox and signs its owner in. */
async function seedAndSignIn(side) {
  const db = notificationsDatabase(side.engine, side.databaseOptions);
  try {
    await seedInbox(db, INBOX);
  } finally {
    await db.destroy();
  }
  side.token = await benchToken(side.backend.baseUrl, OWNER);
}

async function timedGet(side, query) {
  const started = performance.now();
  const response = await httpGet(`${side.backend.baseUrl}${query}`, {
    authorization: `Bearer ${side.token}`,
  });
  const ms = performance.now() - started;
  if (!response.ok) {
    throw new Error(`${side.side} ${query}: ${response.status}`);
  }
  return { ms, body: response.text };
}

async function compare(engine, sides) {
  const result = {};
  for (const query of settings.queries) {
    const url = inboxQueries[query];
    if (!url) {
      throw new Error(`unknown query ${query}`);
    }
    // The sides' first answers, which must count the same rows.
    const firstCounts = [];
    result[query] = await alternateRounds({
      sides,
      rounds: settings.rounds,
      steps: settings.requests,
      label: `${engine} ${query}`,
      digits: 2,
      measure: async (side, round, step) => {
        const { ms, body } = await timedGet(side, url);
        if (round === 0 && step === 0) {
          firstCounts.push(JSON.parse(body).totalCount);
          const [a, b] = firstCounts;
          if (firstCounts.length === 2 && a !== b) {
            throw new Error(`${query}: the sides answer ${a} and ${b} rows`);
          }
        }
        return ms;
      },
    });
  }
  return result;
}

runAb({
  script: 'inbox-ab.js',
  settings,
  ready: seedAndSignIn,
  compare,
  table: {
    title: 'Inbox, two checkouts side by side',
    how: [
      `${settings.requests} requests per side, query and round, alternating; medians in ms, the last row of each query`,
      'over every request after the warm-up round.',
    ],
    column: 'Query',
    align: '---',
    digits: 2,
  },
}).catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
