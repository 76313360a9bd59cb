import { randomUUID } from 'crypto';
import type { Admin, ConsumerConfig, Kafka } from 'kafkajs';
import { describeWithService, testKafka, uniqueTopic } from '@roster/testing';
import { logIdOf } from '@roster/logs';
import { encodeLogEventMessage } from './kafka-topic';
import {
  KafkaLogSource,
  logStreamGroupId,
  type InvalidLogEventMessage,
  type KafkaLogSourceOptions,
} from './kafka-log-source';
import { draftOf, gate, produceLogEvents, recordingHandler, waitFor as waitAtMost } from './log-export.fixtures';
import type { SourceBatchHandler } from './log-source';

/**
 * The split-mode source against the real broker: one consumer group per stream, one tenant's events in order, offsets
 * committed only after the handler resolved (other tenants' too), redelivery from the last commit when it throws, and
 * a handler that takes longer than the session timeout keeps its group member thanks to the heartbeats.
 */
describeWithService('kafka', 'Kafka log source', () => {
  let kafka: Kafka;
  let admin: Admin;
  // Generous: a suite restarting the shared broker meanwhile costs the consumers ten seconds or more.
  const waitFor = (condition: () => boolean | Promise<boolean>, what: () => string, timeoutMs = 40_000) =>
    waitAtMost(condition, what, timeoutMs);

  beforeAll(async () => {
    kafka = testKafka('log-source-int');
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
  });

  const newTopic = async (): Promise<string> => {
    const topic = uniqueTopic('log-events');
    await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
    return topic;
  };

  /** Committed offset per partition ('-1': none). */
  const committed = async (streamId: string, topic: string): Promise<Record<number, string>> => {
    const [offsets] = await admin.fetchOffsets({ groupId: logStreamGroupId(streamId), topics: [topic] });
    return Object.fromEntries(offsets.partitions.map((p) => [p.partition, p.offset]));
  };

  /** Whether the group committed every partition up to its end (an empty partition needs no commit). */
  const committedToEnd = async (streamId: string, topic: string): Promise<boolean> => {
    const offsets = await committed(streamId, topic);
    const ends = await admin.fetchTopicOffsets(topic);
    return ends.every((p) => offsets[p.partition] === p.high || (p.high === '0' && offsets[p.partition] === '-1'));
  };

  const sourceOf = (streamId: string, topic: string, tenant: string, extra: Partial<KafkaLogSourceOptions> = {}) =>
    new KafkaLogSource({ kafka, streamId, tenant, topic, maxWaitTimeInMs: 100, heartbeatInterval: 500, ...extra });

  /** Starts `source`; returns a stop function that waits for `run` to resolve. */
  const start = (source: KafkaLogSource, handler: SourceBatchHandler): (() => Promise<void>) => {
    const stop = new AbortController();
    const running = source.run(handler, stop.signal);
    return async () => {
      stop.abort();
      await running;
    };
  };

  /** Waits until `handler` got `count` events and the group committed every partition to its end. */
  const drained = async (
    handler: ReturnType<typeof recordingHandler>,
    count: number,
    streamId: string,
    topic: string,
  ) => {
    await waitFor(
      () => handler.positions().length >= count,
      () => `${count} events, got ${handler.positions().join(',')}`,
    );
    await waitFor(
      () => committedToEnd(streamId, topic),
      () => 'every partition committed to its end',
    );
  };

  /**
   * `count` events of acme between events of other tenants: acme and globex share partition 0, initech has partition
   * 1 to itself (none of acme's events), partition 2 stays empty.
   */
  const workload = (count: number, from = 1) =>
    Array.from({ length: count }, (_, i) => {
      const n = from + i;
      return [
        ['acme', BigInt(3 * n), draftOf('acme', n), 0],
        ['globex', BigInt(3 * n + 1), draftOf('globex', n), 0],
        ['initech', BigInt(3 * n + 2), draftOf('initech', n), 1],
      ] as const;
    }).flat();

  it('hands over one tenant in order, commits only after the handler, and a new run resumes after the commit', async () => {
    const topic = await newTopic();
    const sent = await produceLogEvents(kafka, topic, workload(20));
    const acme = sent.filter((e) => e.event.tenant_name === 'acme');
    const streamId = `lst_${randomUUID()}`;
    const held = gate();
    const first = recordingHandler(async (_, call) => {
      if (call === 1) await held.opened;
    });
    const stop = start(sourceOf(streamId, topic, 'acme', { maxBatchEvents: 8 }), first.handler);
    try {
      await waitFor(
        () => first.batches.length === 1,
        () => 'the first batch',
      );
      // Past a few heartbeat intervals, acme's partition is still not committed (initech's may be).
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect((await committed(streamId, topic))[0]).toBe('-1');
      held.open();
      await drained(first, acme.length, streamId, topic);
    } finally {
      held.open();
      await stop();
    }
    expect(first.positions()).toEqual(acme.map((e) => e.position));
    expect(first.events()).toEqual(acme.map((e) => e.event));
    expect(first.batches.every((b) => b.events.length <= 8)).toBe(true);

    const more = await produceLogEvents(kafka, topic, workload(2, 21));
    const second = recordingHandler();
    const stopSecond = start(sourceOf(streamId, topic, 'acme'), second.handler);
    try {
      await waitFor(
        () => second.positions().length >= 2,
        () => 'the two new events',
      );
    } finally {
      await stopSecond();
    }
    expect(second.positions()).toEqual(more.filter((e) => e.event.tenant_name === 'acme').map((e) => e.position));
  });

  it('redelivers from the last commit when the handler throws', async () => {
    const topic = await newTopic();
    const sent = await produceLogEvents(kafka, topic, workload(15));
    const acme = sent.filter((e) => e.event.tenant_name === 'acme').map((e) => e.position);
    const streamId = `lst_${randomUUID()}`;
    const handler = recordingHandler(async (_, call) => {
      if (call === 2) throw new Error('health write failed');
    });
    const stop = start(sourceOf(streamId, topic, 'acme', { maxBatchEvents: 5 }), handler.handler);
    try {
      await waitFor(
        () => new Set(handler.positions()).size === acme.length,
        () => `every event, got ${handler.positions().join(',')}`,
      );
    } finally {
      await stop();
    }
    const [b1, b2, b3] = handler.batches.map((b) => b.events.map((e) => e.position));
    expect(b1).toEqual(acme.slice(0, 5));
    expect(b2[0]).toBe(acme[5]);
    expect(b3[0]).toBe(acme[5]);
    // After the redelivery, each event once more and in order.
    expect(handler.positions().slice(5 + b2.length)).toEqual(acme.slice(5));
  });

  it('fetches one batch ahead while a batch is handled, never two, and hands them over one at a time', async () => {
    const topic = await newTopic();
    // Three record batches on partition 0, each fetched alone (maxBytes 1: a fetch returns at least one record batch);
    // the second and third each carry a message of ours that breaks the contract, reported when it is decoded, which
    // is when its turn comes.
    const producer = kafka.producer();
    await producer.connect();
    const sendBatch = async (from: number, badSchema: string | undefined) => {
      const messages = [from, from + 1].map((n) =>
        encodeLogEventMessage('acme', BigInt(n), { log_id: logIdOf(BigInt(n)), ...draftOf('acme', n) }),
      );
      const bad = badSchema && { ...messages[0], headers: { ...messages[0].headers, schema: badSchema } };
      await producer.send({
        topic,
        messages: [...(bad ? [bad] : []), ...messages].map((m) => ({ ...m, partition: 0 })),
      });
    };
    await sendBatch(1, undefined);
    await sendBatch(3, 'second/0');
    await sendBatch(5, 'third/0');
    await producer.disconnect();

    const invalid: InvalidLogEventMessage[] = [];
    const held = gate();
    let handling = 0;
    let overlapped = false;
    const handler = recordingHandler(async (_, call) => {
      overlapped ||= ++handling > 1;
      if (call === 1) await held.opened;
      handling--;
    });
    // The source's own kafkajs consumer, watched: it reports each fetched batch before handing it to the source.
    let fetchedBatches = 0;
    const watched = Object.create(kafka, {
      consumer: {
        value: (config: ConsumerConfig) => {
          const consumer = kafka.consumer(config);
          consumer.on(consumer.events.START_BATCH_PROCESS, () => fetchedBatches++);
          return consumer;
        },
      },
    }) as Kafka;
    const streamId = `lst_${randomUUID()}`;
    const source = sourceOf(streamId, topic, 'acme', {
      kafka: watched,
      maxBytes: 1,
      onInvalidMessage: (m) => invalid.push(m),
    });
    const stop = start(source, handler.handler);
    try {
      await waitFor(
        () => handler.batches.length === 1,
        () => 'the first batch',
      );
      await waitFor(
        () => fetchedBatches === 2,
        () => `the second batch fetched while the first is handled (${fetchedBatches} fetched)`,
      );
      // Held for a while: the second batch waits for its turn, undecoded, the third is not fetched, nothing committed.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(fetchedBatches).toBe(2);
      expect(invalid).toEqual([]);
      expect(handler.batches).toHaveLength(1);
      expect((await committed(streamId, topic))[0]).toBe('-1');
      held.open();
      await drained(handler, 6, streamId, topic);
    } finally {
      held.open();
      await stop();
    }
    expect(handler.positions()).toEqual([1n, 2n, 3n, 4n, 5n, 6n]);
    expect(invalid.map((m) => m.reason)).toEqual([
      expect.stringContaining('second/0'),
      expect.stringContaining('third/0'),
    ]);
    expect(overlapped).toBe(false);
  });

  it('skips and reports a message of its tenant that breaks the contract, and heartbeats through a long batch', async () => {
    const topic = await newTopic();
    const producer = kafka.producer();
    await producer.connect();
    const good = encodeLogEventMessage('hooli', 1n, { log_id: '00000000000000000001', ...draftOf('hooli', 1) });
    const bad = { ...good, headers: { ...good.headers, schema: 'roster.log-event/0' } };
    await producer.send({ topic, messages: [good, bad] });
    await producer.disconnect();
    const after = await produceLogEvents(kafka, topic, [['hooli', 2n, draftOf('hooli', 2)]]);

    const invalid: InvalidLogEventMessage[] = [];
    const streamId = `lst_${randomUUID()}`;
    // The first batch takes longer than the session timeout (the broker's 6 s minimum).
    const handler = recordingHandler(async (_, call) => {
      if (call === 1) await new Promise((resolve) => setTimeout(resolve, 8_000));
    });
    const source = sourceOf(streamId, topic, 'hooli', {
      sessionTimeout: 6_000,
      onInvalidMessage: (m) => invalid.push(m),
    });
    const stop = start(source, handler.handler);
    try {
      await waitFor(
        () => handler.positions().length >= 2,
        () => 'both valid events',
      );
      await waitFor(
        () => committedToEnd(streamId, topic),
        () => 'every partition committed to its end',
      );
    } finally {
      await stop();
    }
    // Each valid event once: the slow batch was not taken away from the member and handed out again.
    expect(handler.positions()).toEqual([1n, after[0].position]);
    expect(invalid).toEqual([expect.objectContaining({ topic, reason: expect.stringMatching(/schema/) })]);
  });
});
