'use strict';

/*
 * Waiting for a Herald backend's Email outbox: the runners time sends and
 * lists only once the deliveries queued before them are out.
 */
const { getJson } = require('./http-json');
const { sleep } = require('./runner');

/**
 * Reads the outbox's counts every `pollMs` until none is pending; returns
 * the first reading and the last.
 */
async function outboxDrained(baseUrl, token, pollMs) {
  const url = `${baseUrl}/api/notifications/admin/outbox`;
  const { body: first } = await getJson(url, token);
  let last = first;
  while (last.pending > 0) {
    await sleep(pollMs);
    ({ body: last } = await getJson(url, token));
  }
  return { first, last };
}

module.exports = { outboxDrained };
