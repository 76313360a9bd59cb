import { Partitioners, type Admin, type Consumer, type Kafka } from 'kafkajs';
import { describeWithService, testKafka, uniqueGroupId, uniqueTopic } from '@roster/testing';

// The broker of KAFKA_BROKERS (scripts/kafka/broker.sh locally and in CI) with the client our code uses: kafkajs 2.2.4
// speaks older protocol versions than Kafka 4.x prefers, so this proves the pair works for what we rely on.
describeWithService('kafka', 'Kafka broker with kafkajs', () => {
  const KEYS = 20;
  const PER_KEY = 50;
  let kafka: Kafka;
  let admin: Admin;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    kafka = testKafka('kafka-broker-int');
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
    await admin.disconnect();
  });

  /** A consumer of `topic` in `groupId` that commits only when told to, calling `onMessage` for each message. */
  const startConsumer = async (
    groupId: string,
    topic: string,
    onMessage: (m: { key: string; value: string; partition: number; offset: string }) => void,
  ): Promise<Consumer> => {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    await consumer.connect();
    // fromBeginning: without a committed offset the consumer would read everything again, which the test would see.
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) =>
        onMessage({ key: String(message.key), value: String(message.value), partition, offset: message.offset }),
    });
    return consumer;
  };

  const until = async (condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('delivers 1,000 keyed messages in per-key order to a group, which resumes after its committed offsets', async () => {
    const topic = uniqueTopic('kafka-broker-int');
    const groupId = uniqueGroupId('kafka-broker-int');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });

    const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      // Ten acknowledged batches, each message "<seq>" under key "key-<n>": seq rises by one per key across batches.
      for (let batch = 0; batch < 10; batch++) {
        const messages = [];
        for (let i = 0; i < (KEYS * PER_KEY) / 10; i++) {
          const n = batch * ((KEYS * PER_KEY) / 10) + i;
          messages.push({ key: `key-${n % KEYS}`, value: String(Math.floor(n / KEYS)) });
        }
        await producer.send({ topic, messages });
      }
    } finally {
      await producer.disconnect();
    }

    const seen = new Map<string, number[]>();
    const partitionsOfKey = new Map<string, Set<number>>();
    const nextOffset = new Map<number, string>();
    let received = 0;
    // Only records: an assertion failing in the handler would make kafkajs retry the message, not fail the test.
    const first = await startConsumer(groupId, topic, ({ key, value, partition, offset }) => {
      seen.set(key, [...(seen.get(key) ?? []), Number(value)]);
      partitionsOfKey.set(key, (partitionsOfKey.get(key) ?? new Set()).add(partition));
      nextOffset.set(partition, String(BigInt(offset) + 1n));
      received++;
    });
    await until(() => received >= KEYS * PER_KEY, `${KEYS * PER_KEY} messages (got ${received})`);

    expect(received).toBe(KEYS * PER_KEY);
    const inOrder = Array.from({ length: PER_KEY }, (_, i) => i);
    for (let k = 0; k < KEYS; k++) expect(seen.get(`key-${k}`)).toEqual(inOrder);
    // Each key on one partition, and the keys spread over all three.
    expect([...partitionsOfKey.values()].every((partitions) => partitions.size === 1)).toBe(true);
    expect(new Set([...partitionsOfKey.values()].flatMap((partitions) => [...partitions])).size).toBe(3);

    await first.commitOffsets([...nextOffset].map(([partition, offset]) => ({ topic, partition, offset })));
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    expect(Object.fromEntries(committed[0].partitions.map((p) => [p.partition, p.offset]))).toEqual(
      Object.fromEntries(ends.map((p) => [p.partition, p.high])),
    );
    await first.disconnect();

    // A new member of the group starts at the committed offsets: the first thing it gets is a message sent now.
    const later: string[] = [];
    await startConsumer(groupId, topic, ({ value }) => later.push(value));
    const marker = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await marker.connect();
    try {
      await marker.send({ topic, messages: [{ key: 'key-0', value: 'after-restart' }] });
    } finally {
      await marker.disconnect();
    }
    await until(() => later.length > 0, 'the message sent after the restart');
    expect(later).toEqual(['after-restart']);
  }, 30_000);
});
