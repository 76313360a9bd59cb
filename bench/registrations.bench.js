'use strict';
// Application registrations/s: POST /api/v2/clients (non_interactive) through the whole write path (command, decider,
// event append, read model) with the bootstrap admin's token. Each request registers a differently named application.
// Targets: embedded >= 300/s; PostgreSQL (when DATABASE_URL is set) >= 1000/s.
const { managementApi } = require('./lib/roster');
const { storesToRun, withRoster } = require('./lib/stores');
const { runLoad, describeRun } = require('./lib/load');
const { figure, finish, log } = require('./lib/report');
const { benchOptions, main } = require('./lib/options');

const TARGETS = { pglite: 300, postgres: 1000 };

const registrationLoad = (roster, token, connections, tag) => ({
  url: `${roster.apiBase}/clients`,
  method: 'POST',
  connections,
  expectStatus: [201],
  requestFactory: (n) => ({
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name: `bench-${tag}-${n}`, app_type: 'non_interactive' }),
  }),
});

main(async () => {
  const opts = benchOptions();
  for (const store of storesToRun()) {
    const r = await withRoster(store, async (roster) => {
      const { token } = await managementApi(roster);
      log(`${store.label}: warming up ${opts.warmupSec} s`);
      await runLoad({ ...registrationLoad(roster, token, opts.connections, 'warm'), durationSec: opts.warmupSec });
      log(`${store.label}: measuring ${opts.durationSec} s at ${opts.connections} connections`);
      return runLoad({ ...registrationLoad(roster, token, opts.connections, 'run'), durationSec: opts.durationSec });
    });
    log(describeRun(`registrations ${store.label}`, r));
    const target = TARGETS[store.eventStore];
    figure(
      'registrations/s',
      { store: store.label, rate: r.perSecond, p50_ms: r.p50, p99_ms: r.p99 },
      {
        text: `>= ${target}/s`,
        met: r.perSecond >= target && r.failed === 0,
      },
    );
  }
  finish();
});
