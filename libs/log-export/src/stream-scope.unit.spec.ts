import { logEvent } from '../../log-sinks/src/log-sinks.fixtures';
import type { SourcedLogEvent } from './log-source';
import { eventScopeOf, startPositionOf, type StreamScope } from './stream-scope';

/** Event at `position`, dated at second `position` of 2025-01-01 (see the fixture). */
const at = (position: number, type = 'sapi'): SourcedLogEvent => ({
  position: BigInt(position),
  event: logEvent(position, { type }),
});

const positionsIn = (scope: StreamScope, events: SourcedLogEvent[], handledUpTo?: bigint): number[] =>
  events.filter(eventScopeOf(scope, handledUpTo)).map((e) => Number(e.position));

describe('a stream scope', () => {
  const events = [1, 2, 3, 4, 5, 6].map((n) => at(n));

  it('takes the events after the position the stream was created at', () => {
    expect(positionsIn({ createdPosition: 3n, filters: [] }, events)).toEqual([4, 5, 6]);
    expect(startPositionOf({ createdPosition: 3n, filters: [] })).toBe(3n);
  });

  it('with startFrom, takes the events dated from then on, whatever their position', () => {
    const scope = {
      createdPosition: 5n,
      startFrom: new Date(Date.UTC(2025, 0, 1, 0, 0, 2)).toISOString(),
      filters: [],
    };
    // Event n is dated at second n plus 123 ms: event 1 is before the start, event 2 after it.
    expect(positionsIn(scope, events)).toEqual([2, 3, 4, 5, 6]);
    expect(startPositionOf(scope)).toBe(0n);
  });

  it('delivers an event whose date cannot be read rather than lose it', () => {
    const scope = { createdPosition: 0n, startFrom: '2030-01-01T00:00:00.000Z', filters: [] };
    const undated = { position: 9n, event: logEvent(9, { date: 'yesterday' }) };
    expect(positionsIn(scope, [at(1), undated])).toEqual([9]);
  });

  it('applies the category filters', () => {
    const mixed = [at(1, 's'), at(2, 'f'), at(3, 'sapi'), at(4, 'fp'), at(5, 'not_a_code')];
    const filters = [{ type: 'category' as const, name: 'auth.login.fail' }];
    expect(positionsIn({ createdPosition: 0n, filters }, mixed)).toEqual([2, 4]);
    const other = [{ type: 'category' as const, name: 'other' }];
    expect(positionsIn({ createdPosition: 0n, filters: other }, mixed)).toEqual([5]);
  });

  it('skips what the stream has handled already', () => {
    expect(positionsIn({ createdPosition: 1n, filters: [] }, events, 4n)).toEqual([5, 6]);
    expect(positionsIn({ createdPosition: 0n, startFrom: '2020-01-01T00:00:00Z', filters: [] }, events, 2n)).toEqual([
      3, 4, 5, 6,
    ]);
  });
});
