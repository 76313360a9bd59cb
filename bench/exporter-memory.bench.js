'use strict';
// Log exporter peak memory (RSS of its own process) with a backlog of 1,000,000 Auth0-sized log events in Kafka:
// first while the SIEM is down (the strict HEC receiver answers 503), then during the catch-up once it is back, until
// every event was accepted. Target: under 300 MB in both phases.
//
//   KAFKA_BROKERS=127.0.0.1:19092 node bench/exporter-memory.bench.js     (scripts/kafka/broker.sh start)
//   BENCH_EVENTS=200000 BENCH_DOWN=10 ...                                 smaller backlog, shorter outage (seconds)
//
// The exporter runs alone in a child process from the build (`npm run build` first), with its health in a scratch
// PostgreSQL database when DATABASE_URL is set, as a split-mode log-exporter runs (embedded PGlite otherwise).
// The stream's retry backoff is capped at 2 s here (60 s in production) so that the catch-up starts soon after the
// receiver is back; it does not change what the exporter holds in memory.
require('./lib/ts-require');
const { setTimeout } = require('node:timers');
const { startHecReceiver } = require('./lib/hec-receiver-process');
const { startExporterProcess } = require('./lib/exporter-process');
const { createScratchDatabase } = require('./lib/postgres');
const { HEC_TOKEN, kafkaClient, fillTopic } = require('./lib/log-stream-export');
const { figure, finish, log } = require('./lib/report');
const { int, main } = require('./lib/options');

const TARGET_MB = 300;
const mb = (bytes) => bytes / 1024 / 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

main(async () => {
  const events = int('BENCH_EVENTS', 1_000_000);
  const downSeconds = int('BENCH_DOWN', 30);
  const topic = await fillTopic(kafkaClient(), events);
  const hec = await startHecReceiver([HEC_TOKEN]);
  hec.down();
  const database = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : undefined;
  if (!database) log('DATABASE_URL is not set: health goes to embedded PGlite, which alone takes about 680 MB');
  const exporter = await startExporterProcess({
    topic,
    hecUrl: hec.url,
    backoff: { capMs: 2000 },
    databaseUrl: database?.url,
  });
  try {
    log(`SIEM down for ${downSeconds} s with ${events} events waiting`);
    await sleep(downSeconds * 1000);
    const down = exporter.peakRss();
    if (hec.accepted() > 0) throw new Error('the receiver accepted events while it was meant to be down');
    if (hec.requests() === 0) throw new Error('the exporter sent nothing while the receiver was down');
    log(`${hec.requests()} requests refused meanwhile; receiver back up`);
    hec.up();
    exporter.resetPeak();
    const started = Date.now();
    while (hec.accepted() < events) await sleep(50);
    const seconds = (Date.now() - started) / 1000;
    const catchUp = exporter.peakRss();
    log(`caught up ${events} events in ${seconds.toFixed(1)} s (${Math.round(events / seconds)} events/s)`);
    if (hec.refused() > 0) throw new Error(`the receiver refused ${hec.refused()} requests as malformed`);
    figure(
      'exporter peak RSS MB',
      { events, down: mb(down), catch_up: mb(catchUp) },
      { text: `< ${TARGET_MB} MB`, met: mb(down) < TARGET_MB && mb(catchUp) < TARGET_MB },
    );
  } finally {
    await exporter.stop();
    await hec.close();
    await database?.drop();
  }
  finish();
});
