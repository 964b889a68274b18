'use strict';

/*
 * The runners' JSON requests to a backend: a timed POST and GET with the
 * bench's bearer token, each retried once where a kept-alive connection
 * failed before the request went out.
 */
const { performance } = require('node:perf_hooks');
const { httpGet } = require('./http-get');
const { log } = require('./runner');

/**
 * Whether the request failed on its connection rather than with an answer:
 * fetch reuses kept-alive connections, and one the server closed while idle
 * fails the next request sent on it. The cause is logged with the retry.
 */
function failedUnsent(error) {
  return error instanceof TypeError && error.message === 'fetch failed';
}

async function postJson(url, token, body) {
  try {
    return await postJsonOnce(url, token, body);
  } catch (error) {
    if (!failedUnsent(error)) {
      throw error;
    }
    log(`retrying ${url} once: ${error.cause?.code ?? error.cause}`);
    return await postJsonOnce(url, token, body);
  }
}

async function postJsonOnce(url, token, body) {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(300000),
  });
  const text = await response.text();
  return { status: response.status, ms: performance.now() - started, text };
}

/*
 * A pooled keep-alive connection that sat idle while the databases were being
 * seeded can be closed by the server just as it is reused; idempotent reads
 * get one retry on such a transport error.
 */
async function fetchOnceMore(url, init) {
  try {
    return await fetch(url, init);
  } catch (error) {
    log(
      `retrying ${url} after ${
        error.cause?.code ?? error.cause?.message ?? error.message
      }`,
    );
    return fetch(url, init);
  }
}

async function getJson(url, token) {
  const started = performance.now();
  const response = await httpGet(
    url,
    { authorization: `Bearer ${token}` },
    error =>
      log(`retrying ${url} after ${error.code ?? error.message ?? error}`),
  );
  const ms = performance.now() - started;
  if (!response.ok) {
    throw new Error(
      `GET ${url}: ${response.status} ${response.text.slice(0, 300)}`,
    );
  }
  return { ms, body: JSON.parse(response.text) };
}

module.exports = { fetchOnceMore, getJson, postJson };
