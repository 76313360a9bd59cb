'use strict';
// The token-endpoint measurement shared by the token benchmarks: an ordinary M2M set-up, a warm-up, a measured run.
const { managementApi } = require('./roster');
const { runLoad, describeRun } = require('./load');
const { log } = require('./report');

const SCOPES = ['read:things', 'write:things'];

/** Warm-up then the measured run of one token endpoint with a fixed form body. */
const measureTokens = async (label, tokenEndpoint, form, opts) => {
  const load = {
    url: tokenEndpoint,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    connections: opts.connections,
  };
  log(`${label}: warming up ${opts.warmupSec} s`);
  await runLoad({ ...load, durationSec: opts.warmupSec });
  log(`${label}: measuring ${opts.durationSec} s at ${opts.connections} connections`);
  const r = await runLoad({ ...load, durationSec: opts.durationSec });
  log(describeRun(label, r));
  if (r.ok === 0) throw new Error(`${label} issued no token: ${r.sampleFailure ?? 'no answer'}`);
  return r;
};

/** The round with the median throughput (its latencies come along), or undefined when there was none. */
const medianRound = (label, runs) => {
  if (runs.length === 0) return undefined;
  const sorted = [...runs].sort((a, b) => a.perSecond - b.perSecond);
  if (runs.length > 1) log(`${label} rounds: ${runs.map((r) => Math.round(r.perSecond)).join(', ')} tokens/s`);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

/** An ordinary machine-to-machine set-up: one API with two scopes, one application granted both. */
const setUpRosterClient = async (roster) => {
  const api = await managementApi(roster);
  const audience = 'https://bench.roster.test/api/';
  await api.call(
    'POST',
    '/resource-servers',
    {
      name: 'Bench API',
      identifier: audience,
      scopes: SCOPES.map((value) => ({ value, description: value })),
    },
    [201],
  );
  const app = await api.call('POST', '/clients', { name: 'bench-m2m', app_type: 'non_interactive' }, [201]);
  await api.call('POST', '/client-grants', { client_id: app.client_id, audience, scope: SCOPES }, [201]);
  return { clientId: app.client_id, clientSecret: app.client_secret, audience, scope: SCOPES.join(' ') };
};

module.exports = { SCOPES, measureTokens, medianRound, setUpRosterClient };
