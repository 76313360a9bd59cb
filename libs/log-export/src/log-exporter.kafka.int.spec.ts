import { randomUUID } from 'crypto';
import type { Admin, Kafka } from 'kafkajs';
import { logIdOf } from '@roster/logs';
import { PostgresDatabase } from '@roster/sql';
import { createScratchDatabase, describeWithService, testKafka, uniqueTopic } from '@roster/testing';
import { SplunkHecReceiver } from '../../../test/receivers';
import { KafkaLogSource, logStreamGroupId } from './kafka-log-source';
import { draftOf, produceLogEvents, waitFor } from './log-export.fixtures';
import { LogExporter } from './log-exporter';
import type { LogStreamDefinition } from './log-stream-definition';
import { readLogStreamHealth } from './log-stream-health';

/**
 * Split mode end to end: the relay's topic → the exporter's Kafka source → worker → the strict Splunk HEC receiver,
 * with health in PostgreSQL. Through a HEC outage the stream's group keeps its member and commits only what HEC took;
 * a restarted exporter sends only what came since.
 */
describeWithService('kafka', 'log exporter on Kafka', () => {
  describeWithService('postgres', 'with health in PostgreSQL', () => {
    const TOKEN = '7d1e6a52-3c4b-4f8e-9a0d-5b6c7d8e9f01';
    let kafka: Kafka;
    let admin: Admin;
    let scratch: { url: string; drop: () => Promise<void> };
    let db: PostgresDatabase;
    let receiver: SplunkHecReceiver;

    beforeAll(async () => {
      kafka = testKafka('log-exporter-int');
      admin = kafka.admin();
      await admin.connect();
      scratch = await createScratchDatabase('roster_log_exporter_kafka');
      db = new PostgresDatabase(scratch.url, { applicationName: 'log-exporter-kafka-test' });
      receiver = await SplunkHecReceiver.start({ tokens: [TOKEN] });
    }, 30_000);

    afterAll(async () => {
      await receiver?.close();
      await admin?.disconnect();
      await db?.close();
      await scratch?.drop();
    });

    it('delivers a tenant’s filtered events through a HEC outage and resumes after its commit', async () => {
      const topic = uniqueTopic('log-events-exporter');
      await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
      const stream: LogStreamDefinition = {
        id: `lst_${randomUUID().replace(/-/g, '').slice(0, 16)}`,
        tenant: 'k-acme',
        name: 'acme to splunk',
        status: 'active',
        revision: 1,
        filters: [{ type: 'category', name: 'management.success' }],
        createdPosition: 100n,
        type: 'splunk',
        sink: {
          splunkDomain: 'http://127.0.0.1',
          splunkPort: new URL(receiver.url).port,
          splunkToken: TOKEN,
          splunkSecure: true,
        },
      };
      const workload = (from: number, count: number) =>
        Array.from({ length: count }, (_, i) => {
          const n = from + i;
          return [
            ['k-acme', BigInt(10 * n), draftOf('k-acme', n, { type: n % 3 === 0 ? 'f' : 'sapi' })],
            ['k-globex', BigInt(10 * n + 1), draftOf('k-globex', n)],
          ] as const;
        }).flat();
      const wanted = (sent: { position: bigint; event: { tenant_name: string; type: string } }[]) =>
        sent
          .filter((e) => e.event.tenant_name === 'k-acme' && e.event.type === 'sapi' && e.position > 100n)
          .map((e) => logIdOf(e.position));

      const exporterOf = () =>
        new LogExporter({
          definitions: async () => [stream],
          sourceFor: (definition) =>
            new KafkaLogSource({
              kafka,
              streamId: definition.id,
              tenant: definition.tenant,
              topic,
              maxWaitTimeInMs: 100,
              heartbeatInterval: 500,
              maxBatchEvents: 10,
            }),
          db,
          pollIntervalMs: 200,
          backoff: { baseMs: 50, capMs: 300 },
        });

      const first = await produceLogEvents(kafka, topic, workload(1, 30));
      receiver.failFor(1_500);
      const exporter = exporterOf();
      await exporter.start();
      try {
        await waitFor(
          () => receiver.logIds().length >= wanted(first).length,
          () => `${wanted(first).length} events, got ${receiver.logIds().length}. ${receiver.summary()}`,
          40_000,
        );
        await waitFor(
          async () => (await readLogStreamHealth(db, stream.id))?.lastPosition === 300n,
          () => 'the last event of the tenant handled',
          40_000,
        );
        // Then the other tenant's messages after it are committed too (an empty partition has nothing to commit).
        const ends = await admin.fetchTopicOffsets(topic);
        await waitFor(
          async () => {
            const [offsets] = await admin.fetchOffsets({ groupId: logStreamGroupId(stream.id), topics: [topic] });
            return ends.every((end) => {
              const offset = offsets.partitions.find((p) => p.partition === end.partition)?.offset;
              return offset === end.high || (end.high === '0' && offset === '-1');
            });
          },
          () => 'every partition committed to its end',
          40_000,
        );
      } finally {
        await exporter.stop();
      }
      expect(receiver.logIds()).toEqual(wanted(first));
      expect(receiver.violations).toEqual([]);
      expect(receiver.requests.some((r) => r.status === 503)).toBe(true);

      const second = await produceLogEvents(kafka, topic, workload(31, 6));
      const again = exporterOf();
      await again.start();
      try {
        await waitFor(
          () => receiver.logIds().length >= wanted([...first, ...second]).length,
          () => `the new events, got ${receiver.logIds().length}. ${receiver.summary()}`,
          40_000,
        );
      } finally {
        await again.stop();
      }
      expect(receiver.logIds()).toEqual(wanted([...first, ...second]));
    }, 90_000);
  });
});
