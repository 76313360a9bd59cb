import { EventStore, RecordedEvent } from '@roster/event-store';
import { BoundedMap } from '@roster/security';

/** How to fold one stream into a state: the decider's evolve and initial state. */
export interface StreamFold<State> {
  initialState(): State;
  evolve(state: State, event: { type: string; data: Record<string, unknown> }): State;
}

export interface StreamSnapshot<State> {
  state: State;
  /** Revision of the last folded event; -1n when the stream does not exist. */
  revision: bigint;
}

/**
 * Folded stream states kept in memory, for the hot paths (token endpoint, token verification) and for command
 * handlers. The write model is read straight from the event store, so there is no projection lag to wait for.
 *
 * A cached entry is dropped when anything appends to its stream: at once by the writer in this process, and by the
 * change feed for writes from other processes. A load that races with an eviction is not stored (generations).
 */
export class StreamStateCache {
  /**
   * Per stream, one snapshot per fold: the same stream can be read through different folds (e.g. a key ring view).
   * At most `maxEntries` streams; the one cached first is dropped (reads use `peek`, so they do not keep an entry).
   */
  private readonly entries: BoundedMap<string, Map<StreamFold<unknown>, StreamSnapshot<unknown>>>;
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly store: EventStore,
    private readonly maxEntries = 100_000,
  ) {
    this.entries = new BoundedMap(maxEntries);
  }

  async load<State>(streamId: string, fold: StreamFold<State>): Promise<StreamSnapshot<State>> {
    const cached = this.entries.peek(streamId)?.get(fold as StreamFold<unknown>) as StreamSnapshot<State> | undefined;
    if (cached) return cached;
    const generation = this.generations.get(streamId) ?? 0;
    const events = await this.store.readStream(streamId);
    const snapshot = foldEvents(fold, events);
    if ((this.generations.get(streamId) ?? 0) === generation) this.remember(streamId, fold, snapshot);
    return snapshot;
  }

  /** Records the state a writer just produced, so the next read needs no round trip. */
  update<State>(streamId: string, fold: StreamFold<State>, snapshot: StreamSnapshot<State>): void {
    this.evict(streamId);
    this.remember(streamId, fold, snapshot);
  }

  /** Called by the change feed: drops the entry unless it already includes `revision`. */
  evictIfOlder(streamId: string, revision: bigint): void {
    const folds = this.entries.peek(streamId);
    if (folds && [...folds.values()].every((snapshot) => snapshot.revision >= revision)) return;
    this.evict(streamId);
  }

  evict(streamId: string): void {
    this.bump(streamId);
    this.entries.delete(streamId);
  }

  private bump(streamId: string): void {
    this.generations.set(streamId, (this.generations.get(streamId) ?? 0) + 1);
    if (this.generations.size > this.maxEntries * 2) this.generations.clear();
  }

  private remember<State>(streamId: string, fold: StreamFold<State>, snapshot: StreamSnapshot<State>): void {
    let folds = this.entries.peek(streamId);
    if (!folds) {
      folds = new Map();
      this.entries.set(streamId, folds);
    }
    folds.set(fold as StreamFold<unknown>, snapshot);
  }
}

export const foldEvents = <State>(fold: StreamFold<State>, events: readonly RecordedEvent[]): StreamSnapshot<State> => {
  let state = fold.initialState();
  for (const event of events) state = fold.evolve(state, { type: event.type, data: event.data });
  return { state, revision: events.length ? events[events.length - 1].revision : -1n };
};
