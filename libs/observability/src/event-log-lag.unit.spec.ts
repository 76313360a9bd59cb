import type { GlobalLogFilter, ReadAllOptions, RecordedEvent } from '@roster/event-store';
import { EventLogLagMeter } from './event-log-lag';

/**
 * An in-memory global log: `readAll` as the port defines it, and the positions each call looked at. Positions are
 * `step` apart, and a read after a position no event has is refused, as EventStoreDB refuses one from inside a record.
 */
const memoryLog = (step = 1n) => {
  const events: RecordedEvent[] = [];
  const scanned: bigint[][] = [];
  const matches = (event: RecordedEvent, filter?: GlobalLogFilter) =>
    (!filter?.streamPrefixes || filter.streamPrefixes.some((p) => event.streamId.startsWith(p))) &&
    (!filter?.eventTypes || filter.eventTypes.includes(event.type));
  return {
    append(streamId: string, recordedAt = new Date()) {
      const position = BigInt(events.length + 1) * step;
      events.push({
        id: String(position),
        streamId,
        type: 'E',
        data: {},
        metadata: {},
        revision: 0n,
        position,
        recordedAt,
      });
      return position;
    },
    scanned,
    store: {
      headPosition: async () => events.at(-1)?.position ?? 0n,
      readAll: async ({ after = 0n, limit = 1000, filter }: ReadAllOptions = {}) => {
        if (after !== 0n && !events.some((event) => event.position === after)) throw new Error(`read from ${after}`);
        const looked: bigint[] = [];
        const found: RecordedEvent[] = [];
        for (const event of events) {
          if (event.position <= after) continue;
          looked.push(event.position);
          if (matches(event, filter)) found.push(event);
          if (found.length >= limit) break;
        }
        scanned.push(looked);
        return found;
      },
    },
  };
};

describe('EventLogLagMeter', () => {
  const now = Date.parse('2025-01-01T00:01:00Z');

  it('reports no lag for a consumer that took every event it wants, however many others follow', async () => {
    const log = memoryLog();
    const last = log.append('application-1');
    for (let i = 0; i < 5; i++) log.append('logs-default:1');
    const meter = new EventLogLagMeter(log.store, { streamPrefixes: ['application-'] }, () => now);
    expect(await meter.measure(last)).toEqual({ positions: 0, seconds: 0 });
  });

  it('reports head − position and the age of the oldest waiting event while one waits', async () => {
    const log = memoryLog();
    const applied = log.append('application-1');
    log.append('logs-default:1');
    log.append('application-2', new Date('2025-01-01T00:00:45Z'));
    log.append('logs-default:1');
    const meter = new EventLogLagMeter(log.store, { streamPrefixes: ['application-'] }, () => now);
    expect(await meter.measure(applied)).toEqual({ positions: 3, seconds: 15 });
  });

  it('reads only what was appended since the last measure', async () => {
    const log = memoryLog();
    const applied = log.append('application-1');
    for (let i = 0; i < 3; i++) log.append('logs-default:1');
    const meter = new EventLogLagMeter(log.store, { streamPrefixes: ['application-'] }, () => now);
    await meter.measure(applied);
    log.append('logs-default:1');
    await meter.measure(applied);
    expect(log.scanned).toEqual([[2n, 3n, 4n], [5n]]);
  });

  it('starts over from a position moved back (a rebuild), and from the start before the consumer ran', async () => {
    const log = memoryLog();
    log.append('application-1', new Date('2025-01-01T00:00:30Z'));
    const second = log.append('application-2');
    const meter = new EventLogLagMeter(log.store, { streamPrefixes: ['application-'] }, () => now);
    expect(await meter.measure(second)).toEqual({ positions: 0, seconds: 0 });
    expect(await meter.measure(0n)).toEqual({ positions: 2, seconds: 30 });
    expect(await meter.measure(-1n)).toEqual({ positions: 2, seconds: 30 });
  });

  it('reads only after positions the store handed out, and not again while the same event waits', async () => {
    const log = memoryLog(100n);
    const applied = log.append('application-1');
    log.append('logs-default:1');
    log.append('application-2', new Date('2025-01-01T00:00:45Z'));
    const meter = new EventLogLagMeter(log.store, { streamPrefixes: ['application-'] }, () => now);
    expect(await meter.measure(applied)).toEqual({ positions: 200, seconds: 15 });
    log.append('logs-default:1');
    expect(await meter.measure(applied)).toEqual({ positions: 300, seconds: 15 });
    expect(await meter.measure(300n)).toEqual({ positions: 0, seconds: 0 });
    expect(log.scanned).toEqual([[200n, 300n], [400n]]);
  });
});
