'use strict';

/*
 * What the benchmark measures, and the target each measurement is held to.
 * Labels carry the run's sizes as {rows}, {large}, {signal}, {idle} (the most
 * sockets) and {belowIdle} (the count before it).
 * `target(herald, upstream, floor)` returns undefined when a row has no
 * target, otherwise { text, met }.
 */

const atMost =
  (limit, unit = 'ms') =>
  h => ({
    text: `≤ ${limit} ${unit}`,
    met: h <= limit,
  });
const shareOfUpstream = share => (h, u) => ({
  text: `≤ ${share} × upstream`,
  met: h <= share * u,
});

const restAndSendWorkloads = [
  { id: 'rest-memory', label: 'Backend resident memory at rest', unit: 'MB' },
  { id: 'send-100', label: 'Send to 100 users', unit: 'ms', curve: 'send' },
  {
    id: 'send-1000',
    label: 'Send to 1,000 users',
    unit: 'ms',
    curve: 'send',
    target: (h, u) => ({ text: '≥ 50× faster', met: u / h >= 50 }),
  },
  {
    id: 'send-10000',
    label: 'Send to 10,000 users',
    unit: 'ms',
    curve: 'send',
    target: atMost(150),
    heraldOnlyTarget: true,
  },
  {
    id: 'send-100000',
    label: 'Send to 100,000 users',
    unit: 'ms',
    curve: 'send',
    target: atMost(1500),
    heraldOnlyTarget: true,
  },
  {
    id: 'send-100000-memory',
    label: 'Send to 100,000 users: peak resident memory added',
    unit: 'MB',
  },
];

const drainAndInboxWorkloads = [
  {
    id: 'outbox-drain',
    label: 'Email outbox after the sends: jobs delivered per second',
    unit: 'jobs/s',
  },
  {
    id: 'list-default',
    label: 'Inbox of {rows}: page default (unread, 5 rows)',
    unit: 'ms',
    curve: 'inbox',
    curveSize: 100000,
    target: atMost(5),
    heraldOnlyTarget: true,
  },
  {
    id: 'list-all',
    label: 'Inbox of {rows}: All view (5 rows)',
    unit: 'ms',
    target: atMost(5),
    heraldOnlyTarget: true,
  },
  {
    id: 'list-search',
    label: 'Inbox of {rows}: search',
    unit: 'ms',
    target: atMost(20),
    heraldOnlyTarget: true,
  },
  {
    id: 'status',
    label: 'Inbox of {rows}: status',
    unit: 'ms',
    target: (h, u) => ({ text: '≤ upstream', met: h <= u }),
  },
  {
    id: 'topics',
    label: 'Inbox of {rows}: topics',
    unit: 'ms',
    target: (h, u) => ({ text: '≤ upstream', met: h <= u }),
  },
  ...[1000, 10000, 1000000].map(rows => ({
    id: `inbox-${rows}`,
    label: `Inbox of ${rows.toLocaleString('en-US')}: page default`,
    unit: 'ms',
    curve: 'inbox',
    curveSize: rows,
    ...(rows === 1000000 ? { target: atMost(8), heraldOnlyTarget: true } : {}),
  })),
];

// The send targets by size; the 1.5 s for 100,000 users is set for a group,
// and the send to as many users by name keeps it as well.
const groupSendTargets = { 10000: atMost(150), 100000: atMost(1500) };

/** Send to a catalog group of that many members. */
function groupSendWorkload(members) {
  return {
    id: `send-group-${members}`,
    label: `Send to a catalog group of ${members.toLocaleString(
      'en-US',
    )} users`,
    unit: 'ms',
    target: groupSendTargets[members],
    heraldOnlyTarget: true,
  };
}

/*
 * Broadcast to that many sockets: a point of the broadcast curve. The
 * target is held at the count the targeted signal runs among.
 */
function broadcastWorkload(sockets, plan) {
  return {
    id: `broadcast-${sockets}`,
    label: `Broadcast to ${sockets.toLocaleString('en-US')} sockets`,
    unit: 'ms',
    curve: 'broadcast',
    curveSize: sockets,
    ...(sockets === plan.largeSockets
      ? {
          target: (h, u, f) => ({
            text: '≤ 0.5 × upstream, ≤ 1.3 × floor',
            met: h <= 0.5 * u && h <= 1.3 * f,
          }),
        }
      : {}),
  };
}

const socketWorkloads = [
  {
    id: 'signal-targeted',
    label: 'Signal to {signal} users among {large} sockets',
    unit: 'ms',
    target: shareOfUpstream(0.4),
  },
  {
    id: 'idle-socket-memory',
    label: 'Resident memory per idle socket ({idle} sockets)',
    unit: 'KB',
    target: atMost(8, 'KB'),
    heraldOnlyTarget: true,
  },
  {
    id: 'idle-socket-memory-added',
    label: 'Resident memory per idle socket added from {belowIdle} to {idle}',
    unit: 'KB',
    target: atMost(8, 'KB'),
    heraldOnlyTarget: true,
  },
  {
    id: 'idle-socket-heap',
    label: 'JS heap per idle socket ({idle} sockets, after garbage collection)',
    unit: 'KB',
    target: atMost(4, 'KB'),
    heraldOnlyTarget: true,
  },
];

/**
 * Every workload of a run whose broadcasts went to `socketCounts` sockets;
 * the idle-socket memory is read at the largest.
 */
function workloadsFor(plan, socketCounts) {
  return [
    ...restAndSendWorkloads,
    ...(plan.groupSends ?? []).map(({ members }) => groupSendWorkload(members)),
    ...drainAndInboxWorkloads,
    ...socketCounts.map(sockets => broadcastWorkload(sockets, plan)),
    ...socketWorkloads,
  ];
}

// The notifications page's first request (reference: NotificationsPage
// initial state — Unread view, page 0, page size 5, newest first, severity low).
const pageDefault =
  'limit=5&offset=0&orderField=created%2Cdesc&read=false&minimumSeverity=low';

const inboxQueries = {
  'list-default': `/api/notifications/notifications?${pageDefault}`,
  'list-all':
    '/api/notifications/notifications?limit=5&offset=0&orderField=created%2Cdesc&minimumSeverity=low',
  'list-search': `/api/notifications/notifications?${pageDefault}&search=quasar`,
  status: '/api/notifications/status',
  topics: '/api/notifications/topics?read=false&minimumSeverity=low',
};

function workloadLabel(workload, plan, socketCounts) {
  const sizes = {
    rows: plan.inboxRows,
    large: plan.largeSockets,
    signal: plan.signalUsers,
    idle: socketCounts.at(-1),
    belowIdle: socketCounts.at(-2) ?? 0,
  };
  return workload.label.replace(/\{(\w+)\}/g, (_, key) =>
    sizes[key].toLocaleString('en-US'),
  );
}

/**
 * The body of the benchmark's send to `entityRef`: a release announcement
 * whose title tells the `rep`-th send of a size from the others.
 */
function releaseSend(entityRef, rep) {
  return {
    recipients: { type: 'entity', entityRef },
    payload: {
      title: `Release ${rep} is out`,
      description: 'A new release of the payments service was deployed.',
      severity: 'normal',
      topic: 'releases',
    },
  };
}

module.exports = { workloadsFor, inboxQueries, releaseSend, workloadLabel };
