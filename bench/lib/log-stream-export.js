'use strict';
// What the Kafka export benchmarks share: an Auth0-sized log event, a topic filled with them through the relay's own
// message encoding, and a log exporter with one Splunk stream reading that topic (kafkajs consumer group, HEC
// batching, gzip, commit after the SIEM accepted). Needs ./ts-require or ./dist-require loaded first.
const { Buffer } = require('node:buffer');
const crypto = require('node:crypto');
const { URL } = require('node:url');
const { Kafka, logLevel } = require('kafkajs');
const { KafkaLogSource, LogExporter, encodeLogEventMessage } = require('@roster/log-export');
const { PgliteDatabase, PostgresDatabase } = require('@roster/sql');
const { log } = require('./report');

const TENANT = 'bench';
const HEC_TOKEN = 'bench-hec-token-0123456789';

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

const kafkaClient = () => {
  if (!process.env.KAFKA_BROKERS)
    throw new Error('KAFKA_BROKERS is not set (start one with scripts/kafka/broker.sh start)');
  return new Kafka({
    clientId: 'roster-bench',
    brokers: process.env.KAFKA_BROKERS.split(','),
    logLevel: logLevel.ERROR,
  });
};

/** A new one-partition topic holding `events` log events; returns its name. */
const fillTopic = async (kafka, events) => {
  const topic = `roster-bench-export-${crypto.randomBytes(4).toString('hex')}`;
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
  return topic;
};

/**
 * A started exporter with one Splunk stream from `topic` to the HEC receiver at `hecUrl`; `stop()` ends it. Health
 * goes to PostgreSQL at `databaseUrl` (as a split-mode log-exporter's does), else to an embedded PGlite.
 */
const startExporter = async ({ kafka, topic, hecUrl, backoff, databaseUrl }) => {
  const db = databaseUrl ? new PostgresDatabase(databaseUrl) : await PgliteDatabase.open();
  const url = new URL(hecUrl);
  const definition = {
    id: `lst_bench${crypto.randomBytes(4).toString('hex')}`,
    tenant: TENANT,
    name: 'bench',
    type: 'splunk',
    sink: {
      splunkDomain: `http://${url.hostname}`,
      splunkPort: url.port,
      splunkToken: HEC_TOKEN,
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
    backoff,
  });
  await exporter.start();
  return {
    stop: async () => {
      await exporter.stop();
      await db.close();
    },
  };
};

module.exports = { HEC_TOKEN, logEvent, kafkaClient, fillTopic, startExporter };
