'use strict';

/*
 * The GET the inbox workloads are timed with: node:http on a keep-alive
 * agent, asking for compressed answers as a browser does and decoding them.
 * Node's fetch spent 0.6 to 1.3 ms of its own on each request of the inbox
 * page (a probe against the same backend, alternating the two clients), a
 * fifth of the page's time on these two cores, and the same on both sides.
 */
const http = require('node:http');
const zlib = require('node:zlib');

const agent = new http.Agent({ keepAlive: true });

const decoders = {
  gzip: zlib.gunzipSync,
  deflate: zlib.inflateSync,
  br: zlib.brotliDecompressSync,
};

function getOnce(url, headers) {
  return new Promise((resolve, reject) => {
    const request = http.get(
      url,
      {
        agent,
        headers: { 'accept-encoding': 'gzip, deflate, br', ...headers },
      },
      response => {
        const chunks = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          const decode = decoders[response.headers['content-encoding']];
          resolve({
            status: response.statusCode,
            ok: response.statusCode >= 200 && response.statusCode < 300,
            text: (decode ? decode(body) : body).toString('utf8'),
          });
        });
      },
    );
    request.on('error', reject);
  });
}

/**
 * GETs `url`. A kept-alive connection can be closed by the server just as it
 * is reused; an idempotent read gets one retry on such a transport error.
 */
async function httpGet(url, headers = {}, onRetry = () => {}) {
  try {
    return await getOnce(url, headers);
  } catch (error) {
    onRetry(error);
    return getOnce(url, headers);
  }
}

module.exports = { httpGet };
