import type { LogEvent } from '@roster/logs';
import { RosterError } from '@roster/errors';
import type { FailedOutcome, SendOutcome, SinkConnector } from './connector';
import { deliverBatch, isolate, splitIntoRequests, type DeliverOptions } from './deliver-batch';
import { logEvent, logEvents } from './log-sinks.fixtures';

/**
 * A scripted connector: `answer` decides each request's outcome from its events; every request is recorded. Pure
 * logic under test, so a fake is the right tool here (the real connectors are covered in connectors.int.spec.ts).
 */
class ScriptedConnector implements SinkConnector {
  readonly type = 'http' as const;
  readonly requests: string[][] = [];
  /** `prepare` and `send` calls in order, each with its events' ids; a send of a prepared array says so. */
  readonly calls: string[] = [];
  private readonly prepared = new Set<readonly LogEvent[]>();
  constructor(
    private readonly answer: (events: readonly LogEvent[], call: number) => SendOutcome,
    readonly maxBatchEvents = 100,
    readonly maxBatchBytes = 1_000_000,
  ) {}
  encodedSize(event: LogEvent): number {
    return JSON.stringify(event).length + 1;
  }
  prepare(events: readonly LogEvent[]): void {
    this.prepared.add(events);
    this.calls.push(`prepare ${ids(events)}`);
  }
  async send(events: readonly LogEvent[]): Promise<SendOutcome> {
    this.calls.push(`send ${ids(events)}${this.prepared.has(events) ? ' (prepared)' : ''}`);
    this.requests.push(events.map((e) => e.log_id));
    return this.answer(events, this.requests.length);
  }
  async close(): Promise<void> {}
}

const ids = (events: readonly LogEvent[]) => events.map((e) => e.log_id);
const delivered: SendOutcome = { kind: 'delivered' };

const setup = (extra: Partial<DeliverOptions> = {}) => {
  const sleeps: number[] = [];
  const failures: [FailedOutcome, number][] = [];
  const options: DeliverOptions = {
    signal: new AbortController().signal,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onAttemptFailed: (outcome, attempt) => failures.push([outcome, attempt]),
    ...extra,
  };
  return { sleeps, failures, options };
};

describe('splitIntoRequests', () => {
  const events = logEvents(5);
  it('cuts by event count and by size, in order', () => {
    expect(splitIntoRequests(events, { maxBatchEvents: 2, maxBatchBytes: 1e9 }, () => 1).map(ids)).toEqual([
      ids(events.slice(0, 2)),
      ids(events.slice(2, 4)),
      ids(events.slice(4)),
    ]);
    expect(
      splitIntoRequests(events, { maxBatchEvents: 100, maxBatchBytes: 25 }, () => 10).map((r) => r.length),
    ).toEqual([2, 2, 1]);
    expect(
      splitIntoRequests(events, { maxBatchEvents: 100, maxBatchBytes: 30 }, () => 10).map((r) => r.length),
    ).toEqual([3, 2]);
  });

  it('sends an event larger than the byte limit alone', () => {
    const sizes = [10, 50, 10];
    const requests = splitIntoRequests(
      events.slice(0, 3),
      { maxBatchEvents: 100, maxBatchBytes: 30 },
      (e) => sizes[events.indexOf(e)],
    );
    expect(requests.map((r) => r.length)).toEqual([1, 1, 1]);
    expect(splitIntoRequests([], { maxBatchEvents: 1, maxBatchBytes: 1 }, () => 1)).toEqual([]);
  });
});

describe('isolate', () => {
  const events = logEvents(5);
  it('drops the named bad event, or halves the request, or gives nothing for a single event', () => {
    expect(isolate(events, 2).map(ids)).toEqual([ids([events[0], events[1], events[3], events[4]])]);
    expect(isolate(events, undefined).map(ids)).toEqual([ids(events.slice(0, 3)), ids(events.slice(3))]);
    expect(isolate(events, 7).map((r) => r.length)).toEqual([3, 2]);
    expect(isolate(events.slice(0, 1), 0)).toEqual([]);
    expect(isolate(events.slice(0, 2), 0).map(ids)).toEqual([ids(events.slice(1, 2))]);
  });
});

describe('deliverBatch', () => {
  it('sends the events in requests sized by the connector, in order', async () => {
    const connector = new ScriptedConnector(() => delivered, 2);
    const events = logEvents(5);
    const result = await deliverBatch(connector, events, setup().options);
    expect(ids(result.delivered)).toEqual(ids(events));
    expect(result.deadLettered).toEqual([]);
    expect(connector.requests.map((r) => r.length)).toEqual([2, 2, 1]);
  });

  it('has the connector prepare each request while the one before it is being sent', async () => {
    const connector = new ScriptedConnector(() => delivered, 2);
    const events = logEvents(5);
    const [a, b, c] = [ids(events.slice(0, 2)), ids(events.slice(2, 4)), ids(events.slice(4))];
    await deliverBatch(connector, events, setup().options);
    expect(connector.calls).toEqual([
      `prepare ${b}`,
      `send ${a}`,
      `prepare ${c}`,
      `send ${b} (prepared)`,
      `send ${c} (prepared)`,
    ]);
  });

  it('retries the same request with backoff until it is delivered, honouring Retry-After', async () => {
    const retry: SendOutcome = { kind: 'retry', reason: 'Sumo Logic answered 503', status: 503 };
    const limited: SendOutcome = { kind: 'retry', reason: 'busy', status: 429, retryAfterMs: 5000 };
    const script = [retry, retry, limited, retry, delivered];
    const connector = new ScriptedConnector((_, call) => script[call - 1]);
    const { sleeps, failures, options } = setup();
    const result = await deliverBatch(connector, logEvents(3), options);
    expect(result.delivered).toHaveLength(3);
    expect(connector.requests).toHaveLength(5);
    expect(new Set(connector.requests.map((r) => r.join()))).toEqual(new Set([connector.requests[0].join()]));
    // random 0.5 of ceilings 500, 1000, (2000 but Retry-After 5000), 4000.
    expect(sleeps).toEqual([250, 500, 5000, 2000]);
    expect(failures.map(([o, attempt]) => [o.kind, attempt])).toEqual([
      ['retry', 1],
      ['retry', 2],
      ['retry', 3],
      ['retry', 4],
    ]);
  });

  it('dead-letters the event Splunk names and resends the rest of its request', async () => {
    const events = logEvents(6);
    const poison = new Set([events[1].log_id, events[4].log_id]);
    const connector = new ScriptedConnector((request) => {
      const bad = request.findIndex((e) => poison.has(e.log_id));
      return bad < 0 ? delivered : { kind: 'rejected', reason: 'code 6 "Invalid data format"', badEventIndex: bad };
    }, 3);
    const result = await deliverBatch(connector, events, setup().options);
    expect(ids(result.delivered)).toEqual(ids([events[0], events[2], events[3], events[5]]));
    expect(result.deadLettered).toEqual([
      { event: events[1], reason: 'code 6 "Invalid data format"' },
      { event: events[4], reason: 'code 6 "Invalid data format"' },
    ]);
    expect(connector.requests.map((r) => r.length)).toEqual([3, 2, 3, 2]);
  });

  it('bisects a refused request without an event index until the bad events stand alone', async () => {
    const events = logEvents(8);
    const poison = new Set([events[2].log_id, events[3].log_id, events[7].log_id]);
    const connector = new ScriptedConnector((request) =>
      request.some((e) => poison.has(e.log_id))
        ? { kind: 'rejected', reason: '400 Bad Request', status: 400 }
        : delivered,
    );
    const result = await deliverBatch(connector, events, setup().options);
    expect(ids(result.delivered)).toEqual(ids([0, 1, 4, 5, 6].map((i) => events[i])));
    expect(result.deadLettered.map((d) => [d.event.log_id, d.reason])).toEqual(
      [2, 3, 7].map((i) => [events[i].log_id, '400 Bad Request']),
    );
    expect(connector.requests.map((r) => r.length)).toEqual([8, 4, 2, 2, 1, 1, 4, 2, 2, 1, 1]);
  });

  it('dead-letters a single refused event and goes on with the next request', async () => {
    const events = logEvents(3);
    const connector = new ScriptedConnector(
      (request) => (request[0] === events[1] ? { kind: 'rejected', reason: 'over 1 MB', badEventIndex: 0 } : delivered),
      1,
    );
    const { failures, options } = setup();
    const result = await deliverBatch(connector, events, options);
    expect(ids(result.delivered)).toEqual(ids([events[0], events[2]]));
    expect(result.deadLettered).toEqual([{ event: events[1], reason: 'over 1 MB' }]);
    expect(failures).toEqual([[{ kind: 'rejected', reason: 'over 1 MB', badEventIndex: 0 }, 1]]);
  });

  it('throws delivery_aborted when the signal aborts while it waits to retry', async () => {
    const controller = new AbortController();
    const connector = new ScriptedConnector(() => ({ kind: 'retry', reason: 'misconfiguration: 403', status: 403 }));
    const { options } = setup({
      signal: controller.signal,
      sleep: async (_ms, signal) => {
        controller.abort();
        if (signal.aborted) throw new Error('timer aborted');
      },
    });
    const error = await deliverBatch(connector, [logEvent(1)], options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RosterError);
    expect(error).toMatchObject({ code: 'delivery_aborted', retriable: true });
    expect(connector.requests).toHaveLength(1);
  });

  it('does not send at all when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const connector = new ScriptedConnector(() => delivered);
    await expect(
      deliverBatch(connector, logEvents(2), setup({ signal: controller.signal }).options),
    ).rejects.toMatchObject({ code: 'delivery_aborted' });
    expect(connector.requests).toEqual([]);
  });

  it('keeps several requests in flight when asked, and still lists the events in batch order', async () => {
    const answers: (() => void)[] = [];
    let inFlight = 0;
    let most = 0;
    const connector = new ScriptedConnector(() => delivered, 2);
    connector.send = async (events) => {
      connector.requests.push(events.map((e) => e.log_id));
      most = Math.max(most, ++inFlight);
      await new Promise<void>((resolve) => answers.push(resolve));
      inFlight--;
      return delivered;
    };
    const events = logEvents(7);
    const delivery = deliverBatch(connector, events, setup({ concurrency: 3 }).options);
    // Answer the latest request first each time: completion order must not leak into the result.
    while (connector.requests.length < 4 || answers.length > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      answers.pop()?.();
    }
    const result = await delivery;
    expect(most).toBe(3);
    expect(ids(result.delivered)).toEqual(ids(events));
    expect(connector.requests.map((r) => r.length)).toEqual([2, 2, 2, 1]);
  });

  it('stops the other requests in flight when one fails, and throws that failure', async () => {
    const boom = new Error('connector bug');
    let calls = 0;
    const connector = new ScriptedConnector(() => ({ kind: 'retry', reason: 'down', status: 503 }), 1);
    connector.send = async (events) => {
      connector.requests.push(events.map((e) => e.log_id));
      if (++calls === 2) throw boom;
      return { kind: 'retry', reason: 'down', status: 503 };
    };
    const { options } = setup({
      concurrency: 2,
      sleep: (_ms, signal) =>
        new Promise<void>((resolve, reject) => {
          if (signal.aborted) reject(new Error('aborted'));
          else signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    });
    await expect(deliverBatch(connector, logEvents(3), options)).rejects.toBe(boom);
    // The first request, retrying against a SIEM that is down, gave up instead of retrying forever.
    expect(connector.requests).toHaveLength(2);
  });
});
