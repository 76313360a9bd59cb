import { randomUUID } from 'crypto';
import type { IHeaders, Kafka } from 'kafkajs';
import { SqlEventStore, type RecordedEvent } from '@roster/event-store';
import { describeWithService, uniqueGroupId, uniqueTopic } from '@roster/testing';
import { relayTestStoreForEachTest } from '../../log-relay/src/relay.fixtures';
import { appendLogEvents, draftOf } from '../../log-export/src/log-export.fixtures';
import { ALL_FIXTURES, LEAK, registryStreamOf } from './integration-events.fixtures';
import { INTEGRATION_EVENT_TYPES, integrationEventOf, type RegistryEvent } from './integration-event';
import { decodeIntegrationEventMessage } from './kafka-message';
import { KafkaIntegrationRelay } from './kafka-integration-relay';

const TENANTS = ['acme', 'globex', 'initech'];
const ID_FIELDS = ['client_id', 'connection_id', 'client_grant_id', 'resource_server_id', 'id'];
const PUBLISHED_PER_HISTORY = ALL_FIXTURES.filter((e) => Object.hasOwn(INTEGRATION_EVENT_TYPES, e.type)).length;

/** Every registry event type once (published and excluded ones, secrets included), for resource set `n` of a tenant. */
const historyOf = (tenant: string, n: number): RegistryEvent[] =>
  ALL_FIXTURES.map((event) => {
    const data = event.data as Record<string, unknown>;
    const ids = ID_FIELDS.filter((f) => typeof data[f] === 'string').map((f) => [f, `${data[f] as string}-${n}`]);
    return { type: event.type, data: { ...data, tenant, ...Object.fromEntries(ids) } } as RegistryEvent;
  });

/** Appends histories `from`..`to` (exclusive) of every tenant, interleaved, plus log events that must stay out. */
const appendHistories = async (store: SqlEventStore, from: number, to: number): Promise<void> => {
  for (let n = from; n < to; n++) {
    for (const tenant of TENANTS) {
      for (const event of historyOf(tenant, n))
        await store.append(registryStreamOf(event), [{ id: randomUUID(), type: event.type, data: event.data }], 'any');
      await appendLogEvents(store, tenant, [draftOf(tenant, n)]);
    }
  }
};

interface Received {
  partition: number;
  key: string;
  value: string;
  headers: Record<string, string>;
}

const headersOf = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k, String(v)]));

/** Every message of the topic, read by a fresh group until `expected` arrived and nothing more for 1 s. */
const readTopic = async (kafka: Kafka, topic: string, expected: number): Promise<Received[]> => {
  const consumer = kafka.consumer({ groupId: uniqueGroupId() });
  const seen: Received[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let last = Date.now();
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      seen.push({
        partition,
        key: message.key!.toString(),
        value: message.value!.toString(),
        headers: headersOf(message.headers),
      });
      last = Date.now();
    },
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !(seen.length >= expected && Date.now() - last > 1000))
    await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  return seen;
};

const ceIds = (messages: Received[]) => messages.map((m) => m.headers.ce_id);

describeWithService('kafka', 'Kafka integration event relay', () => {
  let store: SqlEventStore;
  let kafka: Kafka;
  relayTestStoreForEachTest('integration-relay-test', (world) => ({ store, kafka } = world));

  it('publishes each registry change once as a CloudEvent, in order per tenant, keyed by resource, without secrets', async () => {
    const topic = uniqueTopic('integration');
    await appendHistories(store, 0, 3);
    const relay = new KafkaIntegrationRelay(store, kafka, { topic, partitions: 4, batchSize: 16 });
    await relay.start();
    await appendHistories(store, 3, 4); // and live changes after the catch-up
    const expected = TENANTS.length * 4 * PUBLISHED_PER_HISTORY;
    const seen = await readTopic(kafka, topic, expected);
    await relay.stop();

    expect(seen.length).toBe(expected);
    expect(new Set(ceIds(seen)).size).toBe(expected);
    // Each message is exactly the integration event of the stored event at its position.
    const stored = new Map<string, RecordedEvent>();
    for (let after = 0n; ;) {
      const page = await store.readAll({ after, limit: 500 });
      if (page.length === 0) break;
      for (const e of page) stored.set(e.position.toString(), e);
      after = page[page.length - 1].position;
    }
    for (const message of seen) {
      expect(message.headers).toMatchObject({ ce_specversion: '1.0', 'content-type': 'application/json' });
      const expectedEvent = integrationEventOf(stored.get(message.headers.position)!);
      expect(decodeIntegrationEventMessage(message)).toEqual(expectedEvent);
      expect(`${message.key} ${message.value} ${JSON.stringify(message.headers)}`).not.toContain(LEAK);
    }
    for (const tenant of TENANTS) {
      const ofTenant = seen.filter((m) => m.headers.ce_source === `/tenants/${tenant}`);
      expect(new Set(ofTenant.map((m) => m.partition)).size).toBe(1); // one partition per tenant
      const positions = ofTenant.map((m) => BigInt(m.headers.position));
      expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1))); // in the order recorded
      expect(ofTenant.find((m) => m.key === `${tenant}/applications/app1-2`)?.headers.ce_type).toBe(
        'com.roster.application.registered.v1',
      );
    }
  });

  it('resumes after a restart without duplicates, and a re-relay to a new topic carries the same ids', async () => {
    const topic = uniqueTopic('integration-restart');
    await appendHistories(store, 0, 2);
    const first = new KafkaIntegrationRelay(store, kafka, { topic, partitions: 3, batchSize: 10 });
    await first.start();
    expect((await readTopic(kafka, topic, TENANTS.length * 2 * PUBLISHED_PER_HISTORY)).length).toBe(
      TENANTS.length * 2 * PUBLISHED_PER_HISTORY,
    );
    await first.stop();

    await appendHistories(store, 2, 3);
    const second = new KafkaIntegrationRelay(store, kafka, { topic, partitions: 3, batchSize: 10 });
    await second.start();
    const total = TENANTS.length * 3 * PUBLISHED_PER_HISTORY;
    const seen = await readTopic(kafka, topic, total);
    await second.stop();
    expect(seen.length).toBe(total);
    expect(new Set(ceIds(seen)).size).toBe(total);

    const again = uniqueTopic('integration-again');
    const third = new KafkaIntegrationRelay(store, kafka, { topic: again, partitions: 5 });
    await third.start();
    const republished = await readTopic(kafka, again, total);
    await third.stop();
    expect(ceIds(republished).sort()).toEqual(ceIds(seen).sort());
  });
});
