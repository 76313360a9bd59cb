'use strict';
// Log events per second from a Kafka topic to a Splunk HEC receiver through a log stream (Kafka consumer group,
// filters, HEC batching and gzip, commit after the SIEM accepted), against a bare kafkajs consumer that reads the same
// topic and does nothing, in the same run. Auth0-sized events (about 600 bytes). Targets: ratio >= 0.6 and >= 20,000/s.
// The receiver runs in a process of its own, as a SIEM does; the exporter and the bare consumer run in this one.
//
//   KAFKA_BROKERS=127.0.0.1:19092 node bench/kafka-export.bench.js          (scripts/kafka/broker.sh start)
//   BENCH_EVENTS=500000 ...                                                 events in the topic (default 200,000)
require('./lib/ts-require');
const { Buffer } = require('node:buffer');
const crypto = require('node:crypto');
const { setInterval, clearInterval, setTimeout } = require('node:timers');
const { URL } = require('node:url');
const { Kafka, logLevel } = require('kafkajs');
const { KafkaLogSource, LogExporter, encodeLogEventMessage } = require('@roster/log-export');
const { PgliteDatabase } = require('@roster/sql');
const { startHecReceiver } = require('./lib/hec-receiver-process');
const { figure, finish, log } = require('./lib/report');
const { int, main } = require('./lib/options');

const TENANT = 'bench';
const TARGET_RATE = 20000;
const TARGET_RATIO = 0.6;

/** An Auth0-sized successful login (about 600 bytes as JSON). */
const logEvent = (n) => ({
  log_id: String(n).padStart(20, '0'),
  date: new Date(Date.UTC(2026, 10, 27, 12, 0, 0, n % 1000)).toISOString(),
  type: 's',
  description: 'Successful login',
  client_id: 'AaBbCcDdEeFfGgHhIiJjKkLlMmNnOoPp',
  client_name: 'Customer portal',
  ip: `198.51.100.${n % 256}`,
  user_agent:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15',
  user_id: `auth0|${String(n % 100000).padStart(24, '0')}`,
  user_name: `user${n % 100000}@example.com`,
  connection: 'Username-Password-Authentication',
  connection_id: 'con_AbCdEfGhIjKlMnOp',
  strategy: 'auth0',
  strategy_type: 'database',
  hostname: 'login.example.com',
  details: {
    prompts: [{ name: 'login', completedAt: 1701086400000, elapsedTime: 142 }],
    stats: { loginsCount: n % 90 },
  },
  tenant_name: TENANT,
});

const fill = async (kafka, topic, events) => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let n = 1; n <= events; n += 1000) {
    const messages = [];
    for (let i = n; i < Math.min(n + 1000, events + 1); i++)
      messages.push(encodeLogEventMessage(TENANT, BigInt(i), logEvent(i)));
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
  log(`topic ${topic}: ${events} events, ${Buffer.byteLength(JSON.stringify(logEvent(1)))} bytes each`);
};

/** A consumer group that reads every message and does nothing with it. */
const bareConsumer = async (kafka, topic, events) => {
  const consumer = kafka.consumer({ groupId: `bench-bare-${crypto.randomBytes(4).toString('hex')}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let started;
  await new Promise((resolve) => {
    consumer.run({
      eachBatch: async ({ batch }) => {
        started ??= Date.now();
        seen += batch.messages.length;
        if (seen >= events) resolve();
      },
    });
  });
  const seconds = (Date.now() - started) / 1000;
  await consumer.disconnect();
  return events / seconds;
};

const exporterRun = async (kafka, topic, events) => {
  const hec = await startHecReceiver(['bench-hec-token-0123456789']);
  const db = await PgliteDatabase.open();
  const url = new URL(hec.url);
  const definition = {
    id: `lst_bench${crypto.randomBytes(4).toString('hex')}`,
    tenant: TENANT,
    name: 'bench',
    type: 'splunk',
    sink: {
      splunkDomain: `http://${url.hostname}`,
      splunkPort: url.port,
      splunkToken: 'bench-hec-token-0123456789',
      splunkSecure: false,
    },
    status: 'active',
    revision: 1,
    filters: [],
    createdPosition: 0n,
  };
  const exporter = new LogExporter({
    definitions: async () => [definition],
    sourceFor: (d) => new KafkaLogSource({ kafka, topic, streamId: d.id, tenant: d.tenant }),
    db,
  });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  await exporter.start();
  let started;
  while (hec.accepted() < events) {
    if (started === undefined && hec.accepted() > 0) started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const seconds = (Date.now() - started) / 1000;
  clearInterval(sampler);
  await exporter.stop();
  const violations = hec.refused();
  await hec.close();
  await db.close();
  if (violations > 0) throw new Error(`the receiver refused ${violations} requests`);
  return { rate: events / seconds, peakRssMb: peakRss / 1024 / 1024 };
};

main(async () => {
  if (!process.env.KAFKA_BROKERS)
    throw new Error('KAFKA_BROKERS is not set (start one with scripts/kafka/broker.sh start)');
  const events = int('BENCH_EVENTS', 200_000);
  const kafka = new Kafka({
    clientId: 'roster-bench',
    brokers: process.env.KAFKA_BROKERS.split(','),
    logLevel: logLevel.ERROR,
  });
  const topic = `roster-bench-export-${crypto.randomBytes(4).toString('hex')}`;
  await fill(kafka, topic, events);
  const bare = await bareConsumer(kafka, topic, events);
  log(`bare kafkajs consumer: ${Math.round(bare)} events/s`);
  const roster = await exporterRun(kafka, topic, events);
  log(
    `log stream to HEC: ${Math.round(roster.rate)} events/s, bench process peak RSS ${roster.peakRssMb.toFixed(0)} MB`,
  );
  figure(
    'kafka to HEC events/s',
    { roster: roster.rate, bare_consumer: bare, ratio: roster.rate / bare },
    {
      text: `>= ${TARGET_RATE}/s and ratio >= ${TARGET_RATIO}`,
      met: roster.rate >= TARGET_RATE && roster.rate / bare >= TARGET_RATIO,
    },
  );
  finish();
});
