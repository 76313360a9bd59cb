import { EventStore, RecordedEvent } from '@roster/event-store';

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
  private readonly entries = new Map<string, StreamSnapshot<unknown>>();
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly store: EventStore,
    private readonly maxEntries = 100_000,
  ) {}

  async load<State>(streamId: string, fold: StreamFold<State>): Promise<StreamSnapshot<State>> {
    const cached = this.entries.get(streamId) as StreamSnapshot<State> | undefined;
    if (cached) return cached;
    const generation = this.generations.get(streamId) ?? 0;
    const events = await this.store.readStream(streamId);
    const snapshot = foldEvents(fold, events);
    if ((this.generations.get(streamId) ?? 0) === generation) this.remember(streamId, snapshot);
    return snapshot;
  }

  /** Records the state a writer just produced, so the next read needs no round trip. */
  update<State>(streamId: string, snapshot: StreamSnapshot<State>): void {
    this.bump(streamId);
    this.remember(streamId, snapshot);
  }

  /** Called by the change feed: drops the entry unless it already includes `revision`. */
  evictIfOlder(streamId: string, revision: bigint): void {
    const cached = this.entries.get(streamId);
    if (cached && cached.revision >= revision) return;
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

  private remember(streamId: string, snapshot: StreamSnapshot<unknown>): void {
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(streamId, snapshot);
  }
}

export const foldEvents = <State>(fold: StreamFold<State>, events: readonly RecordedEvent[]): StreamSnapshot<State> => {
  let state = fold.initialState();
  for (const event of events) state = fold.evolve(state, { type: event.type, data: event.data });
  return { state, revision: events.length ? events[events.length - 1].revision : -1n };
};
