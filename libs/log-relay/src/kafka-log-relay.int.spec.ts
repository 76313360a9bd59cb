import { randomUUID } from 'crypto';
import type { Kafka } from 'kafkajs';
import { SqlEventStore } from '@roster/event-store';
import { LOG_EVENT_RECORDED, logIdOf, logStream, type LogEventDraft } from '@roster/logs';
import { decodeLogEventMessage, encodeLogEventMessage, type DecodedLogEvent } from '@roster/log-export';
import { describeWithService, uniqueGroupId, uniqueTopic } from '@roster/testing';
import { relayTestStoreForEachTest } from './relay.fixtures';
import { KafkaLogRelay, partitionOf } from './kafka-log-relay';

const TENANTS = ['acme', 'globex', 'initech'];

const draft = (tenant: string, n: number): LogEventDraft => ({
  date: new Date().toISOString(),
  type: 's',
  description: `login ${n}`,
  user_id: `auth0|${n}`,
  tenant_name: tenant,
});

/** Appends `count` log events round-robin over the tenants, a few per append; returns their positions. */
const appendLogs = async (store: SqlEventStore, count: number, from = 0): Promise<void> => {
  for (let n = from; n < from + count; n += 5) {
    const tenant = TENANTS[(n / 5) % TENANTS.length];
    const events = Array.from({ length: Math.min(5, from + count - n) }, (_, i) => ({
      id: randomUUID(),
      type: LOG_EVENT_RECORDED,
      data: draft(tenant, n + i) as unknown as Record<string, unknown>,
    }));
    await store.append(logStream(tenant, events[0].id), events, 'no_stream');
  }
};

/** Every message of the topic, decoded, read by a fresh group until `expected` arrived and nothing more for 1 s. */
const readTopic = async (kafka: Kafka, topic: string, expected: number): Promise<DecodedLogEvent[]> => {
  const consumer = kafka.consumer({ groupId: uniqueGroupId() });
  const seen: DecodedLogEvent[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let last = Date.now();
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(decodeLogEventMessage(message));
      last = Date.now();
    },
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !(seen.length >= expected && Date.now() - last > 1000))
    await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  return seen;
};

const expectComplete = (seen: DecodedLogEvent[], total: number) => {
  const ids = seen.map((s) => s.event.log_id);
  expect(new Set(ids).size).toBe(ids.length); // no duplicate
  expect(ids.length).toBe(total); // nothing lost
  for (const tenant of TENANTS) {
    const positions = seen.filter((s) => s.tenant === tenant).map((s) => s.position);
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1))); // per-tenant order
  }
};

describeWithService('kafka', 'Kafka log relay', () => {
  let store: SqlEventStore;
  let kafka: Kafka;
  relayTestStoreForEachTest('relay-test', (world) => ({ store, kafka } = world));

  it('relays every log event, keyed by tenant, in order per tenant, with the documented headers', async () => {
    const topic = uniqueTopic('relay');
    await appendLogs(store, 300);
    const relay = new KafkaLogRelay(store, kafka, { topic, partitions: 5, batchSize: 50 });
    await relay.start();
    await appendLogs(store, 60, 300); // and live events after the catch-up
    const seen = await readTopic(kafka, topic, 360);
    await relay.stop();
    expectComplete(seen, 360);
    expect(seen[0].event).toMatchObject({
      type: 's',
      tenant_name: seen[0].tenant,
      log_id: expect.stringMatching(/^\d{20}$/),
    });
  });

  it('resumes after a restart without duplicates, even when a crash cut a batch short', async () => {
    const topic = uniqueTopic('relay-restart');
    await appendLogs(store, 100);
    const first = new KafkaLogRelay(store, kafka, { topic, partitions: 5, batchSize: 40 });
    await first.start();
    await readTopic(kafka, topic, 100);
    await first.stop();

    // A crash in the middle of the next batch: only the share of acme's partition reached Kafka.
    await appendLogs(store, 60, 100);
    const next = (await store.readAll({ after: first.position, limit: 100 })).filter(
      (e) => e.type === LOG_EVENT_RECORDED,
    );
    const tenantOf = (streamId: string) => streamId.slice('logs-'.length, streamId.indexOf(':'));
    const partition = partitionOf('acme', 5);
    const acme = next.filter((e) => partitionOf(tenantOf(e.streamId), 5) === partition);
    expect(acme.length).toBeGreaterThan(0);
    expect(acme.length).toBeLessThan(next.length);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic,
      messages: acme.map((e) => {
        const message = encodeLogEventMessage(tenantOf(e.streamId), e.position, {
          log_id: logIdOf(e.position),
          ...(e.data as unknown as LogEventDraft),
        });
        return { ...message, partition, headers: { ...message.headers, batch_start: next[0].position.toString() } };
      }),
    });
    await producer.disconnect();

    const second = new KafkaLogRelay(store, kafka, { topic, partitions: 5, batchSize: 40 });
    await second.start();
    const seen = await readTopic(kafka, topic, 160);
    await second.stop();
    expectComplete(seen, 160);
  });
});
