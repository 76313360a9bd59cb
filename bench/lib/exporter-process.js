'use strict';
// A log exporter alone in its process (one Splunk stream from a Kafka topic, see ./log-stream-export.js), run from
// the build (dist/), so that its memory is measured without the benchmark's own. Forked by `startExporterProcess`; reports its RSS every 100 ms.
const { fork } = require('node:child_process');
const { setInterval } = require('node:timers');

const SAMPLE_MS = 100;

/** @returns {Promise<{ rss: () => number, peakRss: () => number, resetPeak: () => void, stop: () => Promise<void> }>} */
const startExporterProcess = ({ topic, hecUrl, backoff, databaseUrl }) =>
  new Promise((resolve, reject) => {
    const child = fork(require.resolve('./exporter-process'), ['--exporter'], {
      env: {
        ...process.env,
        BENCH_TOPIC: topic,
        BENCH_HEC_URL: hecUrl,
        BENCH_BACKOFF: JSON.stringify(backoff ?? {}),
        BENCH_DATABASE_URL: databaseUrl ?? '',
      },
    });
    let rss = 0;
    let peak = 0;
    const exited = new Promise((done) => child.once('exit', done));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the exporter exited (code ${code}) before it started`)));
    child.on('message', (message) => {
      if (message.started) {
        resolve({
          rss: () => rss,
          peakRss: () => peak,
          resetPeak: () => (peak = rss),
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      } else {
        rss = message.rss;
        peak = Math.max(peak, rss);
      }
    });
  });

const runExporter = async () => {
  // The build, not the sources: a TypeScript compiler in the process would count in its memory.
  require('./dist-require');
  const { kafkaClient, startExporter } = require('./log-stream-export');
  const report = () => process.send({ rss: process.memoryUsage().rss });
  setInterval(report, SAMPLE_MS);
  const exporter = await startExporter({
    kafka: kafkaClient(),
    topic: process.env.BENCH_TOPIC,
    hecUrl: process.env.BENCH_HEC_URL,
    backoff: JSON.parse(process.env.BENCH_BACKOFF),
    databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
  });
  process.send({ started: true });
  process.once('SIGTERM', () => exporter.stop().finally(() => process.exit(0)));
};

if (process.argv[2] === '--exporter') runExporter();

module.exports = { startExporterProcess };
