'use strict';
// Which event stores a benchmark runs against: always the embedded default, and PostgreSQL when DATABASE_URL is set
// (each run on its own scratch database, dropped afterwards). BENCH_STORES=pglite|postgres narrows the list.
const { createScratchDatabase } = require('./postgres');
const { startRoster } = require('./roster');
const { withCleanup } = require('./processes');
const { log } = require('./report');

/** @returns {{ label: string, eventStore: 'pglite'|'postgres' }[]} */
const storesToRun = () => {
  const wanted = (process.env.BENCH_STORES ?? 'pglite,postgres').split(',').map((s) => s.trim());
  const stores = [];
  if (wanted.includes('pglite')) stores.push({ label: 'embedded', eventStore: 'pglite' });
  if (wanted.includes('postgres')) {
    if (process.env.DATABASE_URL) stores.push({ label: 'postgres', eventStore: 'postgres' });
    else log('PostgreSQL skipped: DATABASE_URL is not set');
  }
  if (stores.length === 0) throw new Error('no event store to run against (check BENCH_STORES and DATABASE_URL)');
  return stores;
};

/**
 * Starts Roster on `store`, runs `fn(roster)`, then stops it and drops its scratch database. `options.main` runs another
 * build (see ./reference-build.js), `options.env` adds environment; `withRoster(store, fn)` is the short form.
 */
const withRoster = (store, options, fn) => {
  if (typeof options === 'function') return withRoster(store, {}, options);
  return withCleanup(async (onCleanup) => {
    let databaseUrl;
    if (store.eventStore === 'postgres') {
      const db = await createScratchDatabase(process.env.DATABASE_URL);
      // BENCH_KEEP_DATABASE=1 leaves it for a look afterwards (EXPLAIN a slow query, count rows); drop it by hand.
      if (process.env.BENCH_KEEP_DATABASE === '1') log(`keeping the scratch database ${db.url}`);
      else onCleanup(db.drop);
      databaseUrl = db.url;
    }
    const roster = await startRoster({
      eventStore: store.eventStore,
      databaseUrl,
      main: options.main,
      env: options.env,
    });
    onCleanup(roster.stop);
    return fn(roster);
  });
};

module.exports = { storesToRun, withRoster };
