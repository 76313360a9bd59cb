'use strict';
// Log events per second from a Kafka topic to a Splunk HEC receiver through a log stream (Kafka consumer group,
// filters, HEC batching and gzip, commit after the SIEM accepted), against a bare kafkajs consumer that reads the same
// topic and does nothing, in the same run. Auth0-sized events (about 600 bytes). Targets: ratio >= 0.6 and >= 20,000/s.
// The receiver runs in a process of its own, as a SIEM does; the exporter and the bare consumer run in this one.
//
//   KAFKA_BROKERS=127.0.0.1:19092 node bench/kafka-export.bench.js          (scripts/kafka/broker.sh start)
//   BENCH_EVENTS=500000 ...                                                 events in the topic (default 200,000)
require('./lib/ts-require');
const crypto = require('node:crypto');
const { setInterval, clearInterval, setTimeout } = require('node:timers');
const { startHecReceiver } = require('./lib/hec-receiver-process');
const { HEC_TOKEN, kafkaClient, fillTopic, startExporter } = require('./lib/log-stream-export');
const { figure, finish, log } = require('./lib/report');
const { int, main } = require('./lib/options');

const TARGET_RATE = 20000;
const TARGET_RATIO = 0.6;

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
  const hec = await startHecReceiver([HEC_TOKEN]);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const exporter = await startExporter({ kafka, topic, hecUrl: hec.url });
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
  if (violations > 0) throw new Error(`the receiver refused ${violations} requests`);
  return { rate: events / seconds, peakRssMb: peakRss / 1024 / 1024 };
};

main(async () => {
  const events = int('BENCH_EVENTS', 200_000);
  const kafka = kafkaClient();
  const topic = await fillTopic(kafka, events);
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
