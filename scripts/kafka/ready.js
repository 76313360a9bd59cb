'use strict';
// Readiness probe for broker.sh: polls the broker with kafkajs until it describes its cluster, lists its topics, can
// coordinate consumer groups and gives idempotent producers an id, or until the deadline.
// Exits 0 when ready, 1 on timeout, 2 when the broker process is gone.
// Usage: node ready.js <host:port> <timeout seconds> [broker pid]
const { setTimeout: sleep } = require('node:timers/promises');

let kafkajs;
try {
  kafkajs = require('kafkajs');
} catch {
  console.error('ready.js: kafkajs is not installed (run npm ci in the repository first)');
  process.exit(1);
}
const { Kafka, logLevel } = kafkajs;

const [broker, timeoutSec = '60', pid] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutSec) * 1000;

const alive = () => {
  if (!pid) return true;
  try {
    process.kill(Number(pid), 0);
    return true;
  } catch {
    return false;
  }
};

// One connection attempt per probe: the retry loop is ours, so that a dead broker process is noticed at once.
const probe = async () => {
  const kafka = new Kafka({
    clientId: 'roster-broker-ready',
    brokers: [broker],
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  // kafkajs refuses an idempotent producer without retries.
  const producer = kafka.producer({ idempotent: true, retry: { retries: 1, initialRetryTime: 100 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.listTopics();
    // On a fresh broker the first group lookup creates __consumer_offsets and the first InitProducerId meets a loading
    // coordinator: clients retry, but log errors and crash-restart consumers. Do both here so that tests never see it.
    await admin.describeGroups(['roster-broker-ready']);
    await producer.connect();
    return cluster;
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
};

const main = async () => {
  let lastError = 'no attempt';
  while (Date.now() < deadline) {
    if (!alive()) {
      console.error(`ready.js: the broker process ${pid} exited`);
      return 2;
    }
    try {
      const cluster = await probe();
      console.log(
        `ready: cluster ${cluster.clusterId}, controller ${cluster.controller}, ${cluster.brokers.length} broker(s)`,
      );
      return 0;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    await sleep(500);
  }
  console.error(`ready.js: ${broker} did not answer within ${timeoutSec}s (last error: ${lastError})`);
  return 1;
};

main().then((code) => process.exit(code));
