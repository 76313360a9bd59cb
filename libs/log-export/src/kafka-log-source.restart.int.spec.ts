import { randomUUID } from 'crypto';
import type { Admin, Kafka } from 'kafkajs';
import { describeWithService, restartKafkaBroker, testKafka, uniqueTopic } from '@roster/testing';
import { KafkaLogSource, logStreamGroupId } from './kafka-log-source';
import { draftOf, produceLogEvents, recordingHandler, waitFor } from './log-export.fixtures';

/**
 * The Kafka source survives a broker restart mid-stream: kafkajs retries, crashes, restarts the consumer, and the
 * stream goes on from its committed offset with nothing lost. Restarting the shared broker disturbs other suites for
 * a few seconds, so this file holds this one short test only.
 */
describeWithService('kafka', 'Kafka log source across a broker restart', () => {
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = testKafka('log-source-restart-int');
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
  });

  it('delivers what was produced before and after the restart, in order, and commits it', async () => {
    const topic = uniqueTopic('log-events-restart');
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    const entries = (from: number) =>
      Array.from({ length: 10 }, (_, i) => ['acme', BigInt(from + i), draftOf('acme', from + i)] as const);
    const before = await produceLogEvents(kafka, topic, entries(1));

    const streamId = `lst_${randomUUID()}`;
    const handler = recordingHandler();
    const errors: unknown[] = [];
    const stop = new AbortController();
    const source = new KafkaLogSource({
      kafka,
      streamId,
      tenant: 'acme',
      topic,
      maxWaitTimeInMs: 100,
      heartbeatInterval: 500,
      onError: (error) => errors.push(error),
    });
    const running = source.run(handler.handler, stop.signal);
    try {
      await waitFor(
        () => handler.positions().length >= 10,
        () => 'the events produced before the restart',
      );
      await restartKafkaBroker();
      await admin.disconnect();
      await admin.connect();
      const after = await produceLogEvents(kafka, topic, entries(11));
      const all = [...before, ...after].map((e) => e.position);
      await waitFor(
        () => new Set(handler.positions()).size === all.length,
        () => `all ${all.length} events, got ${handler.positions().join(',')}`,
        30_000,
      );
      // Duplicates are allowed (a batch handled but not committed when the broker went), gaps and reordering not.
      const firsts = handler.positions().filter((p, i, list) => list.indexOf(p) === i);
      expect(firsts).toEqual(all);
      await waitFor(
        async () => {
          const [offsets] = await admin.fetchOffsets({ groupId: logStreamGroupId(streamId), topics: [topic] });
          return offsets.partitions[0].offset === '20';
        },
        () => 'the commit of all 20',
      );
    } finally {
      stop.abort();
      await running;
    }
  }, 90_000);
});
