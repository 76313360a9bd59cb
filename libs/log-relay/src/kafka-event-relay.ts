import { createHash } from 'crypto';
import type { Kafka, Message, Producer } from 'kafkajs';
import {
  batchesOf,
  type EventStore,
  type EventSubscription,
  type GlobalLogFilter,
  type RecordedEvent,
} from '@roster/event-store';
import { PartitionMark, readLastWritten } from './last-written';

/** A message as a route encodes it; the relay adds its own `position` and `batch_start` headers. */
export interface RelayMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** What a route makes of one event: the message, and the key whose hash picks its partition. */
export interface RoutedMessage {
  /** Events with the same partition key share a partition, so Kafka keeps them in the order of the global log. */
  partitionKey: string;
  message: RelayMessage;
}

/** Which events of the global log go to the topic, and as which messages. */
export interface RelayRoute {
  /** Names the relay in reports, e.g. "log relay". */
  readonly name: string;
  /** What the relay subscribes to. */
  readonly filter: GlobalLogFilter;
  /** The message for an event, or null to leave it out. Must be pure: a re-relay must produce the same message. */
  encode(event: RecordedEvent): RoutedMessage | null;
}

export interface KafkaEventRelayOptions {
  topic: string;
  /** Partitions of a topic the relay creates (an existing topic keeps its own). Default 6. */
  partitions?: number;
  /** Most events per produce. Default 500. */
  batchSize?: number;
  /** Where failures and progress are reported (the host's logger). */
  report?: (message: string, error?: unknown) => void;
}

/** The partition of a key: the same key always lands on the same partition, so Kafka keeps its messages in order. */
export const partitionOf = (key: string, partitions: number): number =>
  createHash('sha1').update(key).digest().readUInt32BE(0) % partitions;

/**
 * Relays events from the event store's global log to a Kafka topic, in log order per partition key (by hash).
 *
 * No duplicates across restarts: every message carries its global `position` and the first position of the batch
 * it was produced with (`batch_start`). On start the relay reads the last message of each partition; the newest one
 * says where the last batch began. Every event before that batch reached Kafka whole; of that batch, an event reached
 * Kafka if its partition's last message is at or after it. So the relay resumes at that batch and skips, partition by
 * partition, what is already there. The producer is idempotent with one request in flight: retries neither duplicate
 * nor reorder. This holds only while one relay writes the topic and partitions are chosen here, by `partitionOf`.
 */
export class KafkaEventRelay {
  private readonly batchSize: number;
  private producer?: Producer;
  private subscription?: EventSubscription;
  private loop?: Promise<void>;
  private stopped = false;
  private partitions = 0;
  private relayed = -1n;

  constructor(
    private readonly store: EventStore,
    private readonly kafka: Kafka,
    private readonly route: RelayRoute,
    private readonly options: KafkaEventRelayOptions,
  ) {
    this.batchSize = options.batchSize ?? 500;
  }

  get topic(): string {
    return this.options.topic;
  }

  /** Global position of the last event this relay knows is in Kafka (-1 before start). */
  get position(): bigint {
    return this.relayed;
  }

  async start(): Promise<void> {
    this.partitions = await this.ensureTopic();
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.subscription?.close();
    await this.loop;
    await this.producer?.disconnect();
  }

  private async ensureTopic(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [{ topic: this.topic, numPartitions: this.options.partitions ?? 6 }],
        waitForLeaders: true,
      });
      const metadata = await admin.fetchTopicMetadata({ topics: [this.topic] });
      return metadata.topics[0].partitions.length;
    } finally {
      await admin.disconnect();
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const marks = await readLastWritten(this.kafka, this.topic);
        await this.relayFrom(marks, () => (failures = 0));
      } catch (error) {
        if (this.stopped) return;
        failures += 1;
        this.options.report?.(`${this.route.name} failed; resuming from what Kafka holds`, error);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** failures)));
      }
    }
  }

  private async relayFrom(marks: PartitionMark[], onProgress: () => void): Promise<void> {
    const newest = marks.reduce<PartitionMark | undefined>(
      (a, m) => (!a || m.position > a.position ? m : a),
      undefined,
    );
    const resumeAfter = newest ? newest.batchStart - 1n : 0n;
    const written = new Map(marks.map((m) => [m.partition, m.position]));
    this.relayed = newest?.position ?? 0n;
    const subscription = this.store.subscribeToAll({ after: resumeAfter, filter: this.route.filter });
    this.subscription = subscription;
    if (this.stopped) await subscription.close();
    try {
      for await (const batch of batchesOf(subscription, { maxBatchSize: this.batchSize })) {
        await this.send(batch, written);
        onProgress();
      }
    } finally {
      this.subscription = undefined;
      await subscription.close();
    }
  }

  private async send(batch: RecordedEvent[], written: Map<number, bigint>): Promise<void> {
    const batchStart = batch[0].position.toString();
    const messages: (Message & { partition: number })[] = [];
    for (const event of batch) {
      const routed = this.route.encode(event);
      if (!routed) continue;
      const partition = partitionOf(routed.partitionKey, this.partitions);
      // Already in Kafka: written before a crash cut its batch short (later events are past every mark).
      if (event.position <= (written.get(partition) ?? -1n)) continue;
      const { message } = routed;
      messages.push({
        ...message,
        partition,
        headers: { ...message.headers, position: event.position.toString(), batch_start: batchStart },
      });
    }
    if (messages.length > 0) await this.producer!.send({ topic: this.topic, acks: -1, messages });
    this.relayed = batch[batch.length - 1].position;
  }
}
