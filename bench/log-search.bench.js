'use strict';
// Logs API search latency over 1,000,000 stored log events: a mix of Auth0 searches (by user, type, connection, IP
// prefix, date range, combined), 100 per page, newest first, through `GET /api/v2/logs?q=...`. Target: p99 < 50 ms.
// The events are reported through `POST /api/v2/logs` first (the real write path), then the search runs once the log
// read model has them all.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/log-search.bench.js     PostgreSQL (default)
//   BENCH_STORES=pglite BENCH_EVENTS=200000 node bench/log-search.bench.js                       embedded, smaller
const { setTimeout } = require('node:timers');
const { Client } = require('pg');
const { managementApi } = require('./lib/roster');
const { storesToRun, withRoster } = require('./lib/stores');
const { ingest } = require('./lib/log-ingestion');
const { runLoad, describeRun } = require('./lib/load');
const { request } = require('./lib/http');
const { figure, finish, log } = require('./lib/report');
const { benchOptions, int, main } = require('./lib/options');

const TARGET_P99_MS = 50;

const queries = (from, to) => [
  'user_id:"auth0|user4242"',
  'type:fp',
  'type:s AND connection:google-oauth2',
  'ip:198.51.7.*',
  `date:[${from} TO ${to}]`,
  // user80's events are type s (see loginEvent: types follow n % 10); user77's never were, so that query found nothing.
  'user_name:"user80@example.com" AND type:s',
  '(type:f OR type:fu) AND user_id:"auth0|user123"',
  '',
];

/**
 * Reports one marker event after the load and waits until a search finds it: the log projection applies events in
 * log order, so then it holds every event reported before.
 */
const waitForReadModel = async (roster, token) => {
  const marker = { id: 'marker', type: 'slo', date: new Date().toISOString(), user_id: 'auth0|marker' };
  await request('POST', `${roster.apiBase}/logs`, { token, body: [marker] });
  const started = Date.now();
  for (;;) {
    const r = await request('GET', `${roster.apiBase}/logs?q=${encodeURIComponent('user_id:"auth0|marker"')}`, {
      token,
    });
    if (r.status === 200 && r.json.length === 1) return (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
};

/**
 * PostgreSQL plans the searches from table statistics, and reads indexes alone only where its visibility map says
 * rows are visible to all; autovacuum (on by default) keeps both after big loads. A server with autovacuum off (this
 * machine's test server) would plan over a table it believes empty: do what autovacuum would have done, and say so.
 */
const analyzeUnlessAutovacuum = async (databaseUrl) => {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query('SHOW autovacuum');
    if (rows[0].autovacuum === 'on') return;
    log('autovacuum is off on this server: running VACUUM ANALYZE as autovacuum would after the load');
    await db.query('VACUUM ANALYZE');
  } finally {
    await db.end();
  }
};

/** Each query alone, a few times in a row: which one makes the tail (stderr only). */
const timeEachQuery = async (roster, token, requests, times = 5) => {
  for (const req of requests) {
    const ms = [];
    for (let i = 0; i < times; i++) {
      const started = process.hrtime.bigint();
      await request('GET', `${roster.publicUrl}${req.path}`, { token });
      ms.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    ms.sort((a, b) => a - b);
    const q = decodeURIComponent(req.path.split('q=')[1] ?? '(no q)');
    log(`  alone: ${q}: median ${ms[times >> 1].toFixed(1)} ms, max ${ms[times - 1].toFixed(1)} ms`);
  }
};

main(async () => {
  const opts = benchOptions();
  const events = int('BENCH_EVENTS', 1_000_000);
  const stores = storesToRun().filter((s) => process.env.BENCH_STORES || s.eventStore === 'postgres');
  if (stores.length === 0) throw new Error('set DATABASE_URL (or BENCH_STORES=pglite) to run the search benchmark');
  for (const store of stores) {
    const r = await withRoster(store, async (roster) => {
      const { token } = await managementApi(roster);
      const from = new Date(Date.now() - 1000).toISOString();
      log(`${store.label}: reporting ${events} log events`);
      const loaded = await ingest({ apiBase: roster.apiBase, token, tag: 'search', total: events, parallel: 4 });
      log(`${store.label}: ${loaded.stored} stored in ${loaded.seconds.toFixed(1)} s`);
      log(`${store.label}: read model caught up ${(await waitForReadModel(roster, token)).toFixed(1)} s later`);
      if (roster.databaseUrl) await analyzeUnlessAutovacuum(roster.databaseUrl);
      const to = new Date().toISOString();
      const requests = queries(from, to).map((q) => ({
        method: 'GET',
        path: `/tenants/default/api/v2/logs?per_page=100${q ? `&q=${encodeURIComponent(q)}` : ''}`,
        headers: { authorization: `Bearer ${token}` },
      }));
      for (const req of requests) {
        const one = await request('GET', `${roster.publicUrl}${req.path}`, { token });
        if (one.status !== 200) throw new Error(`${req.path}: ${one.status} ${one.text.slice(0, 200)}`);
        log(`  ${decodeURIComponent(req.path.split('q=')[1] ?? '(no q)')}: ${one.json.length} results`);
      }
      const load = { url: roster.publicUrl, requests, connections: 4 };
      await runLoad({ ...load, durationSec: opts.warmupSec });
      const run = await runLoad({ ...load, durationSec: opts.durationSec });
      await timeEachQuery(roster, token, requests);
      return run;
    });
    log(describeRun(`log search ${store.label}`, r));
    figure(
      'log search latency ms',
      { store: store.label, events, p50: r.p50, p99: r.p99, rate: r.perSecond },
      { text: `p99 < ${TARGET_P99_MS} ms`, met: r.p99 < TARGET_P99_MS && r.failed === 0 },
    );
  }
  finish();
});
