import type { Consumer, EachBatchPayload, Kafka, RetryOptions } from 'kafkajs';
import { RosterError } from '@roster/errors';
import { decodeLogEventMessage, isMessageOfTenant, LOG_EVENTS_TOPIC } from './kafka-topic';
import type { LogSource, SourceBatchHandler, SourcedLogEvent } from './log-source';
import { pause, retryDelay, safely, whenAborted } from './support';

/**
 * Split mode: a stream's tenant's log events from the log events topic, through a consumer group of its own
 * (`roster.log-stream.<stream id>`), so each stream has its own committed position and pace, and a failing SIEM holds
 * back only its stream.
 *
 * Commit after processing: `autoCommit` is off; an offset is resolved and committed only once the handler resolved for
 * the events before it. Other tenants' messages are skipped unparsed, and their offsets committed with ours. While
 * the handler runs (a SIEM down can hold it for days), the consumer heartbeats so the group keeps it. While a batch is
 * handled, the next fetch is read and waits for its turn: the SIEM's answers and Kafka's fetches overlap, and memory
 * stays bounded (two fetches of at most `maxBytes`, one of them decoded).
 *
 * Failures: kafkajs retries a failed fetch or commit, then crashes and restarts the consumer. After a crash kafkajs
 * does not restart from (e.g. no group coordinator yet after a broker restart), or a handler that threw, the source
 * starts a new consumer after a pause. Either way it resumes from the committed offsets (the worker skips what it
 * already handled), so `run` only ends when its signal aborts.
 */

export const LOG_STREAM_GROUP_PREFIX = 'roster.log-stream.';

/** The consumer group of a log stream. */
export const logStreamGroupId = (streamId: string): string => `${LOG_STREAM_GROUP_PREFIX}${streamId}`;

export interface InvalidLogEventMessage {
  topic: string;
  partition: number;
  offset: string;
  /** Why it does not follow the topic contract (no event content). */
  reason: string;
}

export interface KafkaLogSourceOptions {
  kafka: Kafka;
  streamId: string;
  tenant: string;
  /** Default `roster.log-events.v1`. */
  topic?: string;
  /** Bytes per fetch, and per partition in it. Default 4 MiB (about 6,000 Auth0-sized events). */
  maxBytes?: number;
  /** How long the broker may hold a fetch when there is nothing new. Default 500 ms. */
  maxWaitTimeInMs?: number;
  /**
   * Most events per handler call (a fetch can carry more; they are handled and committed in turn). Default 5000: a
   * handler call then makes several SIEM requests, with one commit and one health write for all of them.
   */
  maxBatchEvents?: number;
  /** Default 30,000 ms. */
  sessionTimeout?: number;
  /** Default 3,000 ms. */
  heartbeatInterval?: number;
  /** kafkajs retries before a crash and restart; `restartOnFailure` is the source's own. */
  retry?: Omit<RetryOptions, 'restartOnFailure'>;
  /**
   * A message of the stream's tenant that does not follow the topic contract. It cannot be delivered: it is skipped
   * (its offset committed with the next ones), so say it loudly.
   */
  onInvalidMessage?: (problem: InvalidLogEventMessage) => void;
  /**
   * A consumer that crashed for good is replaced after this pause, doubled per consecutive failure up to
   * `maxRestartDelayMs`. Default 1,000 ms.
   */
  restartDelayMs?: number;
  /** Default 30,000 ms. */
  maxRestartDelayMs?: number;
  /** Each failure the source recovers from (broker gone, handler failing repeatedly, ...). */
  onError?: (error: unknown) => void;
}

type Positioned = SourcedLogEvent & { offset: string };

/** A fetch's events of the stream's tenant, with where the fetch ended. */
interface FetchedBatch {
  topic: string;
  partition: number;
  events: Positioned[];
  lastOffset: string;
}

/**
 * One consumer's batches, handled one at a time in offset order; `failed` once a turn or a commit failed (the consumer
 * is done). Commits are made in order too, each once its chunk was handled, while the next chunk is handled.
 */
interface HandlingTurns {
  handling: Promise<void>;
  committing: Promise<void>;
  failed: boolean;
}

export class KafkaLogSource implements LogSource {
  readonly groupId: string;
  private readonly topic: string;

  constructor(private readonly options: KafkaLogSourceOptions) {
    this.groupId = logStreamGroupId(options.streamId);
    this.topic = options.topic ?? LOG_EVENTS_TOPIC;
  }

  async run(handler: SourceBatchHandler, signal: AbortSignal): Promise<void> {
    const { restartDelayMs = 1_000, maxRestartDelayMs = 30_000 } = this.options;
    let failures = 0;
    while (!signal.aborted) {
      try {
        await this.consume(handler, signal, () => (failures = 0));
      } catch (error) {
        if (signal.aborted) break;
        failures++;
        safely(this.options.onError, error);
        await pause(retryDelay(failures, restartDelayMs, maxRestartDelayMs), signal);
      }
    }
  }

  /**
   * One consumer, from connecting until `signal` aborts (resolves) or it crashed for good: kafkajs does not restart
   * after an error it deems non-retriable, such as no group coordinator yet right after a broker restart (rejects).
   */
  private async consume(handler: SourceBatchHandler, signal: AbortSignal, onJoined: () => void): Promise<void> {
    const { kafka, maxBytes = 4 * 1024 * 1024, maxWaitTimeInMs = 500 } = this.options;
    const consumer = kafka.consumer({
      groupId: this.groupId,
      maxBytes,
      maxBytesPerPartition: maxBytes,
      maxWaitTimeInMs,
      sessionTimeout: this.options.sessionTimeout ?? 30_000,
      heartbeatInterval: this.options.heartbeatInterval ?? 3_000,
      // The topic is the relay's to create: a typo in a name must not create an empty topic that looks healthy.
      allowAutoTopicCreation: false,
      retry: {
        ...this.options.retry,
        // Resolves at once: kafkajs sets its restart timer right after, and a stop must not race it.
        restartOnFailure: async (error) => {
          if (signal.aborted) return false;
          safely(this.options.onError, error);
          return true;
        },
      },
    });
    let fail: (error: unknown) => void = () => undefined;
    const crashed = new Promise<never>((_, reject) => (fail = reject));
    crashed.catch(() => undefined);
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) fail(payload.error);
    });
    consumer.on(consumer.events.GROUP_JOIN, () => onJoined());
    const turns: HandlingTurns = { handling: Promise.resolve(), committing: Promise.resolve(), failed: false };
    const commitAfter = this.committer(consumer, turns, fail);
    const started = (async () => {
      await consumer.connect();
      // fromBeginning applies to a new group only: the worker skips what precedes the stream.
      await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
      // Resolves once the member joined the group; batches then come through eachBatch.
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) =>
          this.eachBatch(
            payload,
            signal,
            turns,
            (batch) => this.handleInTurn(batch, handler, signal, commitAfter),
            fail,
          ),
      });
    })();
    started.catch(() => undefined);
    const stop = whenAborted(signal);
    try {
      // A stop must not wait for a broker that does not answer (connecting and joining retry for a long while).
      await Promise.race([started.then(() => crashed), stop.aborted]);
    } finally {
      stop.dispose();
      // The batch in hand is committed (handled) or left (aborted) while the consumer can still commit.
      await turns.handling;
      await turns.committing;
      await consumer.disconnect().catch(() => undefined);
      // Cut short by the disconnect; once it settled, nothing of it can reconnect behind our back.
      await started.catch(() => undefined);
      await consumer.disconnect().catch(() => undefined);
    }
  }

  /**
   * A fetch: it waits until the batch before it was handled, then its events are decoded and handed over. The offset
   * is resolved at once, so kafkajs fetches the next batch while this one is handled; only commits, made after
   * handling, move the group's position. Decoding waits too, because decoded events take several times the memory of
   * the fetch. A failed turn fails the consumer (`fail`): the next one resumes from the committed offset, so no batch
   * is skipped.
   */
  private async eachBatch(
    payload: EachBatchPayload,
    signal: AbortSignal,
    turns: HandlingTurns,
    handle: (batch: FetchedBatch) => Promise<void>,
    fail: (error: unknown) => void,
  ): Promise<void> {
    const { batch, resolveOffset, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const stopping = (): boolean => signal.aborted || !isRunning() || isStale() || turns.failed;
    if (stopping() || batch.messages.length === 0) return;
    await this.withHeartbeats(payload, turns.handling);
    if (stopping()) return;
    const events = this.eventsOf(batch.messages, topic, partition);
    const fetched: FetchedBatch = { topic, partition, events, lastOffset: batch.lastOffset() };
    turns.handling = handle(fetched).catch((error: unknown) => {
      turns.failed = true;
      fail(error);
    });
    resolveOffset(fetched.lastOffset);
  }

  /** Hands a fetch's events over in chunks, committing after each; the last commit covers other tenants' messages. */
  private async handleInTurn(
    { topic, partition, events, lastOffset }: FetchedBatch,
    handler: SourceBatchHandler,
    signal: AbortSignal,
    commitAfter: (topic: string, partition: number, offset: string) => void,
  ): Promise<void> {
    const commit = (offset: string): void => commitAfter(topic, partition, offset);
    const max = Math.max(1, this.options.maxBatchEvents ?? 5000);
    let committed: string | undefined;
    for (let start = 0; start < events.length; start += max) {
      if (signal.aborted) return;
      const chunk = events.slice(start, start + max);
      try {
        await handler({ events: chunk.map(({ position, event }) => ({ position, event })) });
      } catch (error) {
        // Stopping: leave the chunk uncommitted, it comes again on the next start.
        if (signal.aborted) return;
        throw new RosterError(
          'unavailable',
          'log_stream_batch_failed',
          `Log stream ${this.options.streamId} failed to handle a batch; it is fetched again from the last committed offset`,
          { cause: error, retriable: true },
        );
      }
      // Handled, even if a stop came meanwhile: commit, so a restart does not send it again.
      committed = chunk[chunk.length - 1].offset;
      commit(committed);
    }
    // Other tenants' messages after our last event (or a batch without ours) move the position too.
    if (!signal.aborted && committed !== lastOffset) commit(lastOffset);
  }

  /**
   * Queues the commit of a handled offset behind the commits before it, and returns at once: the next chunk is handled
   * while Kafka commits this one (6 ms of every 110 ms under the export benchmark). A commit only ever follows the
   * handling of everything before its offset, so the order of handling is enough for at least once, and a handler
   * that fails later does not take back the commits of the chunks handled before it. A failed commit fails the
   * consumer, which restarts from the last committed offset; the consumer waits for queued commits before it
   * disconnects.
   */
  private committer(consumer: Consumer, turns: HandlingTurns, fail: (error: unknown) => void) {
    let commitFailed = false;
    return (topic: string, partition: number, offset: string): void => {
      turns.committing = turns.committing.then(async () => {
        if (commitFailed) return;
        try {
          await consumer.commitOffsets([{ topic, partition, offset: (BigInt(offset) + 1n).toString() }]);
        } catch (error) {
          commitFailed = true;
          turns.failed = true;
          fail(error);
        }
      });
    };
  }

  /** The stream's tenant's events of a fetch, in offset order; other tenants' messages are not parsed. */
  private eventsOf(messages: EachBatchPayload['batch']['messages'], topic: string, partition: number): Positioned[] {
    const events: Positioned[] = [];
    for (const message of messages) {
      if (!isMessageOfTenant(message, this.options.tenant)) continue;
      try {
        const { position, event } = decodeLogEventMessage(message);
        events.push({ position, event, offset: message.offset });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        safely(this.options.onInvalidMessage, { topic, partition, offset: message.offset, reason });
      }
    }
    return events;
  }

  /** Waits for `work` while heartbeating, so a long delivery does not cost the group its member. */
  private async withHeartbeats<T>(payload: EachBatchPayload, work: Promise<T>): Promise<T> {
    const interval = this.options.heartbeatInterval ?? 3_000;
    // A failed heartbeat (a rebalance, the broker away) is seen again by the commit that follows.
    const timer = setInterval(() => void payload.heartbeat().catch(() => undefined), interval);
    try {
      return await work;
    } finally {
      clearInterval(timer);
    }
  }
}
