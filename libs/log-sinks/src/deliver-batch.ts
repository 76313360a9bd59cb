import type { LogEvent } from '@roster/logs';
import { backoffDelay, type BackoffOptions } from './backoff';
import { abortableSleep, deliveryAborted, type FailedOutcome, type SinkConnector } from './connector';

/**
 * Delivers one batch of a stream to its SIEM, at least once: requests sized to the connector's limits, sent in order
 * or a few at a time (`concurrency`), each retried with backoff until delivered (a stream never skips events because
 * a SIEM is down or misconfigured), and events the SIEM refuses isolated and dead-lettered one by one, so one poison
 * event cannot block or sink its neighbours. Only the given events are held: no queue.
 */

export interface DeliverOptions {
  /** Aborting stops at the next await: deliverBatch throws RosterError `delivery_aborted` and the caller redelivers. */
  signal: AbortSignal;
  /** Default: an abortable timer. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** [0, 1) for the jitter. Default Math.random. */
  random?: () => number;
  backoff?: Partial<BackoffOptions>;
  /** Each failed attempt: `attempt` counts the attempts of that request so far (1 = its first). */
  onAttemptFailed?(outcome: FailedOutcome, attempt: number): void;
  /**
   * Requests in flight at once (default 1). Above 1, the SIEM may receive neighbouring requests out of order (never
   * events within a request); the result still lists events in batch order.
   */
  concurrency?: number;
}

export interface DeadLetter {
  event: LogEvent;
  /** The SIEM's refusal, free of secrets. */
  reason: string;
}

export interface DeliveryResult {
  /** In delivery order. */
  delivered: LogEvent[];
  deadLettered: DeadLetter[];
}

export interface RequestLimits {
  maxBatchEvents: number;
  maxBatchBytes: number;
}

/**
 * Cuts `events` into consecutive requests of at most `maxBatchEvents` events and `maxBatchBytes` (by `sizeOf`); an
 * event larger than `maxBatchBytes` travels alone (its connector decides whether it can go at all).
 */
export const splitIntoRequests = (
  events: readonly LogEvent[],
  limits: RequestLimits,
  sizeOf: (event: LogEvent) => number,
): LogEvent[][] => {
  const requests: LogEvent[][] = [];
  let current: LogEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = sizeOf(event);
    if (current.length > 0 && (current.length >= limits.maxBatchEvents || bytes + size > limits.maxBatchBytes)) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(event);
    bytes += size;
  }
  if (current.length > 0) requests.push(current);
  return requests;
};

export const deliverBatch = async (
  connector: SinkConnector,
  events: readonly LogEvent[],
  options: DeliverOptions,
): Promise<DeliveryResult> => {
  const requests = splitIntoRequests(events, connector, (event) => connector.encodedSize(event));
  const results: DeliveryResult[] = new Array(requests.length);
  // The first lane to fail stops the others (at their next send or backoff) before the failure is thrown.
  const failed = new AbortController();
  const laneOptions = { ...options, signal: AbortSignal.any([options.signal, failed.signal]) };
  let firstError: unknown;
  let next = 0;
  // Each lane takes the next request and sees it through (retries, isolation) before taking another.
  const lane = async (): Promise<void> => {
    try {
      while (next < requests.length && !failed.signal.aborted) {
        const index = next++;
        // Built while this one is in flight: the SIEM's answer is then followed by the next request at once.
        if (next < requests.length) connector.prepare?.(requests[next]);
        results[index] = await deliverRequest(connector, requests[index], laneOptions);
      }
    } catch (error) {
      if (!failed.signal.aborted) {
        firstError = options.signal.aborted ? deliveryAborted(options.signal.reason) : error;
        failed.abort();
      }
    }
  };
  const lanes = Math.max(1, Math.min(options.concurrency ?? 1, requests.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  if (failed.signal.aborted) throw firstError;
  return {
    delivered: results.flatMap((r) => r.delivered),
    deadLettered: results.flatMap((r) => r.deadLettered),
  };
};

/** One request until it is delivered, its refused events isolated and dead-lettered. */
const deliverRequest = async (
  connector: SinkConnector,
  request: LogEvent[],
  options: DeliverOptions,
): Promise<DeliveryResult> => {
  const { signal, random = Math.random } = options;
  const sleep = options.sleep ?? abortableSleep;
  const result: DeliveryResult = { delivered: [], deadLettered: [] };
  const checkAborted = (): void => {
    if (signal.aborted) throw deliveryAborted(signal.reason);
  };

  // Pending requests, next on top: a refused request is replaced by its parts, which keeps the original order.
  const pending = [request];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (let attempt = 1; ; attempt++) {
      checkAborted();
      const outcome = await connector.send(current, signal);
      if (outcome.kind === 'delivered') {
        result.delivered.push(...current);
        break;
      }
      options.onAttemptFailed?.(outcome, attempt);
      if (outcome.kind === 'retry') {
        try {
          await sleep(backoffDelay(attempt, outcome.retryAfterMs, random, options.backoff), signal);
        } catch (error) {
          throw signal.aborted ? deliveryAborted(signal.reason) : error;
        }
        continue;
      }
      pending.push(...isolate(current, outcome.badEventIndex).reverse());
      if (current.length === 1) result.deadLettered.push({ event: current[0], reason: outcome.reason });
      else if (isIndex(outcome.badEventIndex, current)) {
        result.deadLettered.push({ event: current[outcome.badEventIndex], reason: outcome.reason });
      }
      break;
    }
  }
  return result;
};

const isIndex = (index: number | undefined, request: readonly LogEvent[]): index is number =>
  index !== undefined && Number.isInteger(index) && index >= 0 && index < request.length;

/**
 * What to send after `request` was refused: without the named bad event, or its two halves when the SIEM did not say
 * which event it refused (bisection finds k bad events among n in O(k log n) requests). A lone event: nothing.
 */
export const isolate = (request: readonly LogEvent[], badEventIndex: number | undefined): LogEvent[][] => {
  if (request.length <= 1) return [];
  if (isIndex(badEventIndex, request)) {
    const rest = [...request.slice(0, badEventIndex), ...request.slice(badEventIndex + 1)];
    return rest.length > 0 ? [rest] : [];
  }
  const middle = Math.ceil(request.length / 2);
  return [request.slice(0, middle), request.slice(middle)];
};
