'use strict';
// client_credentials tokens/s: Roster all-in-one against node-oidc-provider on the same machine in the same run.
// Both issue ES256 JWT access tokens for one API with two scopes to a client_secret_post client. They run one after
// the other, never at the same time, so neither steals CPU from the other's measurement.
//
//   node bench/token-endpoint.bench.js            both (target: Roster >= 3000/s and >= 2x the baseline)
//   BENCH_ONLY=baseline node bench/...            only oidc-provider (no build needed)
//   BENCH_ONLY=roster node bench/...              only Roster
//   BENCH_ROUNDS=3 node bench/...                 alternate three rounds each and report each side's median round
const { startOidcProviderBaseline } = require('./lib/baseline');
const { startRoster, requestToken, tokenForm } = require('./lib/roster');
const { SCOPES, measureTokens, medianRound, setUpRosterClient } = require('./lib/tokens');
const { figure, finish, log } = require('./lib/report');
const { benchOptions, int, main } = require('./lib/options');
const { withCleanup } = require('./lib/processes');

const TARGET_PER_SECOND = 3000;
const TARGET_RATIO = 2;

const baselineRun = (opts) =>
  withCleanup(async (onCleanup) => {
    const baseline = await startOidcProviderBaseline();
    onCleanup(baseline.stop);
    const params = {
      clientId: baseline.clientId,
      clientSecret: baseline.clientSecret,
      resource: baseline.audience,
      scope: SCOPES.join(' '),
    };
    await requestToken(baseline.tokenEndpoint, params); // fails loudly if the set-up is wrong
    return measureTokens('oidc-provider', baseline.tokenEndpoint, tokenForm(params), opts);
  });

const rosterRun = (opts) =>
  withCleanup(async (onCleanup) => {
    const roster = await startRoster();
    onCleanup(roster.stop);
    const params = await setUpRosterClient(roster);
    await requestToken(roster.tokenEndpoint, params);
    return measureTokens('roster', roster.tokenEndpoint, tokenForm(params), opts);
  });

main(async () => {
  const opts = benchOptions();
  const only = process.env.BENCH_ONLY || undefined;
  if (only !== undefined && only !== 'baseline' && only !== 'roster') {
    throw new Error(`BENCH_ONLY must be baseline or roster, got "${only}"`);
  }
  // Alternating rounds (baseline, Roster, baseline, ...) and taking each side's median round keeps a burst of
  // other work on a shared machine from landing on one side only.
  const rounds = int('BENCH_ROUNDS', 1);
  const baselineRounds = [];
  const rosterRounds = [];
  for (let i = 1; i <= rounds; i++) {
    if (rounds > 1) log(`round ${i} of ${rounds}`);
    if (only !== 'roster') baselineRounds.push(await baselineRun(opts));
    if (only !== 'baseline') rosterRounds.push(await rosterRun(opts));
  }
  const baseline = medianRound('oidc-provider', baselineRounds);
  const roster = medianRound('roster', rosterRounds);

  for (const [name, r] of [
    ['roster', roster],
    ['baseline', baseline],
  ]) {
    if (r) figure('token latency ms', { system: name, p50: r.p50, p99: r.p99 });
  }
  if (roster && baseline) {
    const ratio = roster.perSecond / baseline.perSecond;
    figure(
      'tokens/s',
      { roster: roster.perSecond, baseline: baseline.perSecond, ratio },
      {
        text: `>= ${TARGET_PER_SECOND} and >= ${TARGET_RATIO}x`,
        met: roster.perSecond >= TARGET_PER_SECOND && ratio >= TARGET_RATIO,
      },
    );
  } else if (roster) {
    figure(
      'tokens/s',
      { roster: roster.perSecond },
      {
        text: `>= ${TARGET_PER_SECOND}`,
        met: roster.perSecond >= TARGET_PER_SECOND,
      },
    );
  } else {
    figure('tokens/s', { baseline: baseline.perSecond });
  }
  finish();
});
