/**
 * Test support for the log export suites: log events appended to the event store or produced to Kafka as the relay
 * would, a recording batch handler, and polling waits. Not exported from the library's index.
 */
import { randomUUID } from 'crypto';
import { Partitioners, type Kafka } from 'kafkajs';
import type { EventStore } from '@roster/event-store';
import { LOG_EVENT_RECORDED, logIdOf, logStream, type LogEvent, type LogEventDraft } from '@roster/logs';
import { logEvent } from '../../log-sinks/src/log-sinks.fixtures';
import { encodeLogEventMessage } from './kafka-topic';
import type { LogStreamDefinition } from './log-stream-definition';
import type { SourceBatch, SourcedLogEvent } from './log-source';

/** A log event draft of `tenant`: `n` names it in its description, so tests can tell events apart. */
export const draftOf = (tenant: string, n: number, overrides: Partial<LogEventDraft> = {}): LogEventDraft => {
  const { log_id: _logId, ...draft } = logEvent(n, { tenant_name: tenant, description: `event ${n}`, ...overrides });
  return draft;
};

/** Appends each draft as a LogEventRecorded event of `tenant`, one append each; returns the positions in order. */
export const appendLogEvents = async (
  store: EventStore,
  tenant: string,
  drafts: readonly LogEventDraft[],
): Promise<bigint[]> => {
  const positions: bigint[] = [];
  for (const data of drafts) {
    const stream = logStream(tenant, randomUUID());
    const { position } = await store.append(
      stream,
      [{ id: randomUUID(), type: LOG_EVENT_RECORDED, data: data as unknown as Record<string, unknown> }],
      'no_stream',
    );
    positions.push(position);
  }
  return positions;
};

/**
 * Produces log events as the relay would: `entries` are [tenant, position, draft, partition?], sent in order with the
 * topic contract's encoding, to the given partition or else the default (Java-compatible) partitioner's. Returns the
 * events as delivered.
 */
export const produceLogEvents = async (
  kafka: Kafka,
  topic: string,
  entries: readonly (readonly [tenant: string, position: bigint, draft: LogEventDraft, partition?: number])[],
): Promise<SourcedLogEvent[]> => {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  try {
    const sourced = entries.map(([, position, draft]) => ({
      position,
      event: { log_id: logIdOf(position), ...draft },
    }));
    await producer.send({
      topic,
      messages: entries.map(([tenant, , , partition], i) => ({
        ...encodeLogEventMessage(tenant, sourced[i].position, sourced[i].event),
        partition,
      })),
    });
    return sourced;
  } finally {
    await producer.disconnect();
  }
};

/** A batch handler that records what it was given; `behaviour` may make a call slow or throw. */
export const recordingHandler = (behaviour: (batch: SourceBatch, call: number) => Promise<void> = async () => {}) => {
  const batches: SourceBatch[] = [];
  const handler = async (batch: SourceBatch): Promise<void> => {
    batches.push(batch);
    await behaviour(batch, batches.length);
  };
  return {
    handler,
    batches,
    /** Positions of every event handed over, in order (redeliveries included). */
    positions: (): bigint[] => batches.flatMap((b) => b.events.map((e) => e.position)),
    events: (): LogEvent[] => batches.flatMap((b) => b.events.map((e) => e.event)),
  };
};

/** Polls `condition` every 20 ms; rejects after `timeoutMs` with `what` and its last state. */
export const waitFor = async (
  condition: () => boolean | Promise<boolean>,
  what: () => string,
  timeoutMs = 15_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** A promise with its resolve function, for handlers a test releases. */
export const gate = () => {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
};

/** A webhook stream of `tenant` to `endpoint`, JSONLINES, created at position 0, active, revision 1. */
export const webhookStream = (
  tenant: string,
  endpoint: string,
  overrides: Partial<Omit<LogStreamDefinition, 'type' | 'sink'>> = {},
): LogStreamDefinition => ({
  id: `lst_${randomUUID().replace(/-/g, '').slice(0, 16)}`,
  tenant,
  name: `${tenant} webhook`,
  status: 'active',
  revision: 1,
  filters: [],
  createdPosition: 0n,
  type: 'http',
  sink: { httpEndpoint: endpoint, httpContentFormat: 'JSONLINES' },
  ...overrides,
});
