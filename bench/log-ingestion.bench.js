'use strict';
// Reported log events stored per second through `POST /api/v2/logs`, in batches of 1,000 Auth0-sized events (each
// with its own idempotency id), durable before the answer. Targets: PostgreSQL >= 20,000/s, embedded >= 5,000/s.
// Also printed: how long after the last answer the Logs API had them all (its read model follows the event store).
//
//   node bench/log-ingestion.bench.js                                   embedded
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node ...   embedded and PostgreSQL
//   BENCH_PARALLEL=8 node ...                                           concurrent requests (default 4)
const { managementApi } = require('./lib/roster');
const { request } = require('./lib/http');
const { storesToRun, withRoster } = require('./lib/stores');
const { ingest } = require('./lib/log-ingestion');
const { figure, finish, log } = require('./lib/report');
const { benchOptions, int, main } = require('./lib/options');

const TARGETS = { pglite: 5000, postgres: 20000 };

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
      // A read of the log waits until the read model includes every log event this registry stored.
      const asked = Date.now();
      const read = await request('GET', `${roster.apiBase}/logs?per_page=1`, { token });
      if (read.status !== 200) throw new Error(`GET logs: ${read.status} ${String(read.text).slice(0, 300)}`);
      return { ...measured, readableAfterMs: Date.now() - asked };
    });
    const rate = result.stored / result.seconds;
    figure(
      'ingested log events/s',
      { store: store.label, rate, events: result.stored, searchable_after_ms: result.readableAfterMs },
      { text: `>= ${TARGETS[store.eventStore]}/s`, met: rate >= TARGETS[store.eventStore] },
    );
  }
  finish();
});
