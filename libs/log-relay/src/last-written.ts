import type { Admin, Consumer, Kafka } from 'kafkajs';
import { randomBytes } from 'crypto';

/** What the relay wrote last into one partition. */
export interface PartitionMark {
  partition: number;
  /** Global position of the partition's last message. */
  position: bigint;
  /** First position of the batch that message was written with (a crash may have cut that batch short elsewhere). */
  batchStart: bigint;
}

const header = (headers: Record<string, unknown> | undefined, name: string): bigint | undefined => {
  const value = headers?.[name];
  const text = Buffer.isBuffer(value) ? value.toString() : typeof value === 'string' ? value : undefined;
  return text !== undefined && /^\d+$/.test(text) ? BigInt(text) : undefined;
};

/**
 * Reads the last message of every non-empty partition of `topic` (a throwaway consumer group, seeking each partition
 * to its last offset). Nothing is committed.
 */
export const readLastWritten = async (kafka: Kafka, topic: string, timeoutMs = 30_000): Promise<PartitionMark[]> => {
  const admin: Admin = kafka.admin();
  await admin.connect();
  let offsets: { partition: number; high: string; low: string }[];
  try {
    offsets = await admin.fetchTopicOffsets(topic);
  } finally {
    await admin.disconnect();
  }
  const wanted = new Map(
    offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high) - 1n]),
  );
  if (wanted.size === 0) return [];
  const consumer: Consumer = kafka.consumer({ groupId: `roster.relay-resume.${randomBytes(6).toString('hex')}` });
  const marks = new Map<number, PartitionMark>();
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`could not read the last message of ${topic} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      void consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            if (BigInt(message.offset) !== wanted.get(partition)) return;
            const position = header(message.headers, 'position');
            const batchStart = header(message.headers, 'batch_start');
            if (position !== undefined)
              marks.set(partition, { partition, position, batchStart: batchStart ?? position });
            if (marks.size === wanted.size) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .then(() => {
          for (const [partition, offset] of wanted) consumer.seek({ topic, partition, offset: offset.toString() });
        }, reject);
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return [...marks.values()];
};
