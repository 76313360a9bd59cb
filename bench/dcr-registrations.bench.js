'use strict';
// Dynamic client registrations/s: open RFC 7591 registration at POST B/oidc/register (no initial access token), each
// request a differently named client_credentials client, stored durably (event append, read model) on the embedded
// store and on PostgreSQL. Baseline in the same run, before Roster: node-oidc-provider 9's registration endpoint with
// its in-memory adapter (clients in a Map, nothing durable), its own process, the same body, connections and durations.
// Target: on PostgreSQL >= oidc-provider's rate; the ratio is reported for both stores.
//
//   node bench/dcr-registrations.bench.js                              embedded store only
//   DATABASE_URL=postgres://... node bench/dcr-registrations.bench.js  embedded, then PostgreSQL (scratch database)
const { managementApi } = require('./lib/roster');
const { storesToRun, withRoster } = require('./lib/stores');
const { runLoad, describeRun } = require('./lib/load');
const { requestOk } = require('./lib/http');
const { withCleanup } = require('./lib/processes');
const { startOidcProviderDcrBaseline } = require('./lib/oidc-provider-dcr');
const { figure, finish, log } = require('./lib/report');
const { benchOptions, main } = require('./lib/options');

// Roster's DCR limits (5/s per tenant, 60/min per IP, 1000 clients by default) would be what is measured otherwise.
// startRoster hands the benchmark's environment on to the child.
const DCR_LIMITS = { DCR_RATE_LIMIT: '1000000', DCR_IP_RATE_LIMIT: '100000000', DCR_MAX_CLIENTS: '1000000' };

// One body both servers accept: a confidential client_credentials-only client, which needs no redirect URI.
const registrationBody = (name) => ({
  client_name: name,
  grant_types: ['client_credentials'],
  response_types: [],
  token_endpoint_auth_method: 'client_secret_basic',
  redirect_uris: [],
});

/** One registration outside the load, so a refusal (403 while DCR is off, 400 on the body) fails with its reason. */
const registerOnce = (url) =>
  requestOk('POST', url, { body: registrationBody('bench-check') }, [201]).then((client) => {
    if (!client || typeof client.client_id !== 'string' || typeof client.client_secret !== 'string') {
      throw new Error(`${url} answered 201 without client_id/client_secret`);
    }
  });

/** Warm-up then the measured run against one registration endpoint. */
const measure = async (label, url, opts) => {
  const load = (tag) => ({
    url,
    method: 'POST',
    connections: opts.connections,
    expectStatus: [201],
    requestFactory: (n) => ({
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(registrationBody(`bench-${tag}-${n}`)),
    }),
  });
  await registerOnce(url);
  log(`${label}: warming up ${opts.warmupSec} s`);
  await runLoad({ ...load('warm'), durationSec: opts.warmupSec });
  log(`${label}: measuring ${opts.durationSec} s at ${opts.connections} connections`);
  const r = await runLoad({ ...load('run'), durationSec: opts.durationSec });
  log(describeRun(label, r));
  if (r.ok === 0) throw new Error(`${label} registered no client: ${r.sampleFailure ?? 'no answer'}`);
  return r;
};

main(async () => {
  const opts = benchOptions();
  const stores = storesToRun();
  const base = await withCleanup(async (onCleanup) => {
    const provider = await startOidcProviderDcrBaseline();
    onCleanup(provider.stop);
    return measure('oidc-provider (in memory)', provider.registrationEndpoint, opts);
  });
  figure('dcr registrations/s', {
    server: 'oidc-provider',
    store: 'memory',
    rate: base.perSecond,
    p50_ms: base.p50,
    p99_ms: base.p99,
  });

  for (const store of stores) {
    const r = await withRoster(store, { env: DCR_LIMITS }, async (roster) => {
      const api = await managementApi(roster);
      await api.call('PATCH', '/tenants/settings', { flags: { enable_dynamic_client_registration: true } }, [200]);
      return measure(`roster ${store.label}`, `${roster.tenantBase}/oidc/register`, opts);
    });
    const ratio = r.perSecond / base.perSecond;
    figure(
      'dcr registrations/s',
      {
        server: 'roster',
        store: store.label,
        rate: r.perSecond,
        p50_ms: r.p50,
        p99_ms: r.p99,
        oidc_provider: base.perSecond,
        ratio,
      },
      store.eventStore === 'postgres'
        ? { text: ">= oidc-provider's rate on PostgreSQL", met: ratio >= 1 && r.failed === 0 }
        : undefined,
    );
  }
  finish();
});
