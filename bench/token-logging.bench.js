'use strict';
// Tokens/s with durable log events (every answer waits until its seccft/feccft event is stored) against the same
// token endpoint without log events: the build of the commit before logging existed, in the same run, on the same
// machine, one after the other, alternating rounds. Target: ratio >= 0.8.
//
//   node bench/token-logging.bench.js                      embedded store (PGlite)
//   BENCH_STORES=postgres DATABASE_URL=... node bench/...  on PostgreSQL (scratch database per run)
//   BENCH_ROUNDS=3 node bench/...                          three rounds each, median round reported
//   BENCH_REFERENCE=<git ref> node bench/...               another build to compare with
const { requestToken, tokenForm } = require('./lib/roster');
const { measureTokens, medianRound, setUpRosterClient } = require('./lib/tokens');
const { referenceBuild } = require('./lib/reference-build');
const { storesToRun, withRoster } = require('./lib/stores');
const { figure, finish, log } = require('./lib/report');
const { benchOptions, int, main } = require('./lib/options');

/** The last commit before log events: its token endpoint wrote nothing. */
const REFERENCE = process.env.BENCH_REFERENCE || 'a96889c';
const TARGET_RATIO = 0.8;

const run = (label, store, opts, mainScript) =>
  withRoster(store, { main: mainScript }, async (roster) => {
    const params = await setUpRosterClient(roster);
    await requestToken(roster.tokenEndpoint, params);
    return measureTokens(label, roster.tokenEndpoint, tokenForm(params), opts);
  });

main(async () => {
  const opts = benchOptions();
  const rounds = int('BENCH_ROUNDS', 1);
  const referenceMain = referenceBuild(REFERENCE);
  for (const store of storesToRun()) {
    const logged = [];
    const unlogged = [];
    for (let i = 1; i <= rounds; i++) {
      if (rounds > 1) log(`${store.label}: round ${i} of ${rounds}`);
      unlogged.push(await run(`${store.label} without logs (${REFERENCE})`, store, opts, referenceMain));
      logged.push(await run(`${store.label} with durable logs`, store, opts));
    }
    const a = medianRound('with logs', logged);
    const b = medianRound('without logs', unlogged);
    figure(
      'tokens/s with durable logs',
      { store: store.label, logged: a.perSecond, unlogged: b.perSecond, ratio: a.perSecond / b.perSecond },
      { text: `ratio >= ${TARGET_RATIO}`, met: a.perSecond / b.perSecond >= TARGET_RATIO },
    );
    figure('token latency ms with logs', { store: store.label, p50: a.p50, p99: a.p99 });
  }
  finish();
});
