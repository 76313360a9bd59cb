'use strict';
// One figure line per measurement, in a fixed shape the README and CI logs can grep for:
//   tokens/s roster=3512 baseline=1620 ratio=2.17 (target >= 3000 and >= 2x) MET
// BENCH_STRICT=1 turns a missed target into a non-zero exit code; by default benchmarks only report.

const misses = [];

const fmt = (value) => {
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return 'n/a';
  return Math.abs(value) >= 100 ? String(Math.round(value)) : value.toFixed(2);
};

/**
 * Prints `<metric> k=v ... (target <text>) MET|MISSED` and remembers misses.
 * @param {string} metric e.g. 'tokens/s'
 * @param {Record<string, number|string>} values printed in insertion order
 * @param {{ text: string, met: boolean } | undefined} target
 */
const figure = (metric, values, target) => {
  const parts = Object.entries(values).map(([k, v]) => `${k}=${fmt(v)}`);
  let line = `${metric} ${parts.join(' ')}`;
  if (target) {
    line += ` (target ${target.text}) ${target.met ? 'MET' : 'MISSED'}`;
    if (!target.met) misses.push(line);
  }
  console.log(line);
  return line;
};

/** Call once at the end of a benchmark script: summary of misses and the exit code policy. */
const finish = () => {
  if (misses.length > 0) {
    console.log(`${misses.length} target(s) missed`);
    if (process.env.BENCH_STRICT === '1') process.exitCode = 1;
  }
};

const log = (msg) => console.error(`[bench] ${msg}`);

module.exports = { figure, finish, log, fmt };
