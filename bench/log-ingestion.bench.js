'use strict';
// Reported log events stored per second through `POST /api/v2/logs`, in batches of 1,000 Auth0-sized events (each
// with its own idempotency id), durable before the answer. Targets: PostgreSQL >= 20,000/s, embedded >= 5,000/s.
// Also printed: how long after the last answer the Logs API finds them all (its read model follows the event store).
//
//   node bench/log-ingestion.bench.js                                   embedded
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node ...   embedded and PostgreSQL
//   BENCH_PARALLEL=8 node ...                                           concurrent requests (default 4)
const { managementApi } = require('./lib/roster');
const { setTimeout: sleep } = require('node:timers/promises');
const { request } = require('./lib/http');
const { storesToRun, withRoster } = require('./lib/stores');
const { ingest } = require('./lib/log-ingestion');
const { figure, finish, log } = require('./lib/report');
const { benchOptions, int, main } = require('./lib/options');

const TARGETS = { pglite: 5000, postgres: 20000 };

/**
 * Milliseconds from now until the Logs API finds an event reported now: the log read model applies events in log
 * order, so by then it holds every event stored before. (A read waits at most 2 s for the read model by itself.)
 */
const searchableAfter = async (apiBase, token) => {
  const started = Date.now();
  const marker = `auth0|bench-marker-${started}`;
  const stored = await request('POST', `${apiBase}/logs`, {
    token,
    body: [{ type: 's', date: new Date().toISOString(), user_id: marker }],
  });
  if (stored.status !== 200) throw new Error(`POST logs: ${stored.status} ${String(stored.text).slice(0, 300)}`);
  const query = encodeURIComponent(`user_id:"${marker}"`);
  for (;;) {
    const found = await request('GET', `${apiBase}/logs?q=${query}`, { token });
    if (found.status !== 200) throw new Error(`GET logs: ${found.status} ${String(found.text).slice(0, 300)}`);
    if (found.json.length > 0) return Date.now() - started;
    if (Date.now() - started > 300_000) throw new Error('the marker event was not searchable after 5 minutes');
    await sleep(20);
  }
};

main(async () => {
  const opts = benchOptions();
  const parallel = int('BENCH_PARALLEL', 4);
  for (const store of storesToRun()) {
    const result = await withRoster(store, async (roster) => {
      const { token } = await managementApi(roster);
      const run = (tag, seconds) =>
        ingest({ apiBase: roster.apiBase, token, tag, until: Date.now() + seconds * 1000, parallel });
      log(`${store.label}: warming up ${opts.warmupSec} s`);
      await run('warm', opts.warmupSec);
      log(`${store.label}: measuring ${opts.durationSec} s, batches of 1000, ${parallel} requests at a time`);
      const measured = await run('run', opts.durationSec);
      return { ...measured, searchableAfterMs: await searchableAfter(roster.apiBase, token) };
    });
    const rate = result.stored / result.seconds;
    figure(
      'ingested log events/s',
      { store: store.label, rate, events: result.stored, searchable_after_ms: result.searchableAfterMs },
      { text: `>= ${TARGETS[store.eventStore]}/s`, met: rate >= TARGETS[store.eventStore] },
    );
  }
  finish();
});
