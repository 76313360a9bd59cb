'use strict';
// GET /api/v2/clients/{id} requests/s: reads of the client read model through the Management API, spread over a set
// of registered applications so no single row or cache entry is all that is measured. Target >= 5000/s.
const { URL } = require('node:url');
const { managementApi, createApplications } = require('./lib/roster');
const { storesToRun, withRoster } = require('./lib/stores');
const { runLoad, describeRun } = require('./lib/load');
const { figure, finish, log } = require('./lib/report');
const { benchOptions, int, main } = require('./lib/options');

const TARGET = 5000;

main(async () => {
  const opts = benchOptions();
  const appCount = int('BENCH_APPS', 200);
  for (const store of storesToRun()) {
    const r = await withRoster(store, async (roster) => {
      const api = await managementApi(roster);
      log(`${store.label}: registering ${appCount} applications`);
      const ids = await createApplications(api, appCount);
      const clientsPath = `${new URL(roster.apiBase).pathname}/clients/`;
      const load = {
        url: `${roster.apiBase}/clients/${ids[0]}`,
        headers: { authorization: `Bearer ${api.token}` },
        connections: opts.connections,
        requests: ids.map((id) => ({ path: `${clientsPath}${id}` })),
      };
      log(`${store.label}: warming up ${opts.warmupSec} s`);
      await runLoad({ ...load, durationSec: opts.warmupSec });
      log(`${store.label}: measuring ${opts.durationSec} s at ${opts.connections} connections`);
      return runLoad({ ...load, durationSec: opts.durationSec });
    });
    log(describeRun(`get client ${store.label}`, r));
    figure(
      'get-client req/s',
      { store: store.label, rate: r.perSecond, p50_ms: r.p50, p99_ms: r.p99 },
      {
        text: `>= ${TARGET}/s`,
        met: r.perSecond >= TARGET && r.failed === 0,
      },
    );
  }
  finish();
});
