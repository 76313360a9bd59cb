'use strict';
// Knobs shared by every benchmark script, from the environment so npm scripts stay argument-free.
const os = require('node:os');
const { log } = require('./report');

const int = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
};

const benchOptions = () => ({
  durationSec: int('BENCH_DURATION', 10),
  warmupSec: int('BENCH_WARMUP', 3),
  connections: int('BENCH_CONNECTIONS', 32),
});

/** Where the figures came from; a busy machine (other processes on the CPUs) makes them unreliable. */
const describeMachine = () => {
  const cpus = os.cpus();
  const [load1] = os.loadavg();
  log(
    `machine: ${cpus.length} x ${cpus[0] ? cpus[0].model.trim() : 'unknown CPU'}, node ${process.version}, load ${load1.toFixed(2)}`,
  );
  if (load1 > 0.5)
    log(`warning: load average ${load1.toFixed(2)} before the run; other processes will skew the figures`);
};

/** Runs a benchmark's main function: prints a failure as one message and sets the exit code. */
const main = (fn) => {
  describeMachine();
  fn().catch((err) => {
    log(`FAILED: ${process.env.BENCH_VERBOSE === '1' && err && err.stack ? err.stack : (err && err.message) || err}`);
    process.exitCode = 1;
  });
};

module.exports = { benchOptions, int, main };
