'use strict';
// Closed-loop load with autocannon: `connections` sockets each send their next request as soon as the previous one is
// answered. Throughput counts only responses with the expected status; latencies are kept per request so p50/p99 come
// from the raw values rather than autocannon's bucketed histogram.
const autocannon = require('autocannon');
const { summarize } = require('./stats');

/**
 * @param {object} o
 * @param {string} o.url                      origin + default path
 * @param {number} [o.connections=32]
 * @param {number} [o.durationSec=10]
 * @param {string} [o.method='GET']
 * @param {object} [o.headers]
 * @param {string} [o.body]
 * @param {{method?: string, path?: string, headers?: object, body?: string}[]} [o.requests]
 *        fixed requests that every connection cycles through, each built once (cheapest for the load generator)
 * @param {(n: number) => {method?: string, path?: string, headers?: object, body?: string}} [o.requestFactory]
 *        called for every request with a running number; what it returns overrides the defaults (costs the load
 *        generator about a third of its throughput: use `requests` when the set of requests is known in advance)
 * @param {number[]} [o.expectStatus=[200]]   statuses that count as a success
 * @param {number} [o.overallRate]            requests/s cap over all connections (open-ish loop)
 * @returns {Promise<{ ok: number, failed: number, errors: number, timeouts: number, seconds: number, perSecond: number,
 *            p50: number, p99: number, max: number, statuses: Record<string, number>, sampleFailure?: string }>}
 */
const runLoad = async (o) => {
  const expect = new Set(o.expectStatus ?? [200]);
  const latencies = [];
  const statuses = {};
  let ok = 0;
  let failed = 0;
  let sampleFailure;
  let n = 0;
  const factory = o.requestFactory;
  // Keep one unexpected answer to explain a low figure.
  const onResponse = (status, body) => {
    if (!expect.has(status) && sampleFailure === undefined) sampleFailure = `${status} ${String(body).slice(0, 300)}`;
  };
  let requests;
  if (factory) requests = [{ onResponse, setupRequest: (req) => ({ ...req, ...factory(n++) }) }];
  else requests = (o.requests ?? [{}]).map((r) => ({ ...r, onResponse }));
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url: o.url,
    connections: o.connections ?? 32,
    duration: o.durationSec ?? 10,
    method: o.method ?? 'GET',
    headers: o.headers,
    body: o.body,
    requests,
    overallRate: o.overallRate,
    timeout: 30,
  });
  instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    if (expect.has(statusCode)) {
      ok++;
      latencies.push(responseTimeMs);
    } else {
      failed++;
    }
  });
  instance.on('reqError', (err) => {
    sampleFailure = sampleFailure ?? String(err && err.message);
  });
  const result = await instance;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    ok,
    failed,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
    perSecond: ok / seconds,
    ...summarize(latencies),
    statuses,
    sampleFailure,
  };
};

/** One-line description of a run, for stderr. */
const describeRun = (label, r) =>
  `${label}: ${r.ok} ok, ${r.failed} unexpected status, ${r.errors} errors, ${r.timeouts} timeouts in ${r.seconds.toFixed(1)} s` +
  ` -> ${Math.round(r.perSecond)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, statuses ${JSON.stringify(r.statuses)}` +
  (r.sampleFailure ? `; first failure: ${r.sampleFailure}` : '');

module.exports = { runLoad, describeRun };
