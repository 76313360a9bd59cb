import { randomUUID } from 'crypto';
import { ConcurrencyError } from '@roster/errors';
import { EventStore } from '@roster/event-store';
import { StreamFold, StreamSnapshot, StreamStateCache } from './stream-state-cache';

export interface ExecutionResult<State, Event> {
  events: Event[];
  state: State;
  /** Global position of the last appended event; undefined when the decision produced no event. */
  position?: bigint;
}

export interface CommandMetadata {
  /** Who asked: the client_id of the token, or 'bootstrap', or 'dynamic_registration'. */
  actor: string;
  request_id?: string;
  correlation_id?: string;
}

/**
 * Runs one command against one stream: load (cached) state, decide, append with the expected revision.
 * A concurrent writer makes the append fail; the command is then decided again on the fresh state, a few times,
 * so that merges such as PATCH never lose an update and never apply a decision made on stale state.
 */
export class AggregateRepository {
  constructor(
    private readonly store: EventStore,
    private readonly cache: StreamStateCache,
    private readonly maxAttempts = 5,
  ) {}

  load<State>(streamId: string, fold: StreamFold<State>): Promise<StreamSnapshot<State>> {
    return this.cache.load(streamId, fold);
  }

  async execute<State, Event extends { type: string; data: Record<string, unknown> }>(
    streamId: string,
    fold: StreamFold<State>,
    decide: (state: State) => Event[],
    metadata: CommandMetadata,
    options: { newStream?: boolean } = {},
  ): Promise<ExecutionResult<State, Event>> {
    for (let attempt = 1; ; attempt++) {
      // A stream named by a freshly generated random id cannot exist yet: skip the read (`no_stream` still checks).
      const snapshot =
        options.newStream && attempt === 1
          ? { state: fold.initialState(), revision: -1n }
          : await this.cache.load(streamId, fold);
      const events = decide(snapshot.state);
      if (events.length === 0) return { events, state: snapshot.state };
      try {
        const result = await this.store.append(
          streamId,
          events.map((event) => ({ id: randomUUID(), type: event.type, data: event.data, metadata: { ...metadata } })),
          snapshot.revision < 0n ? 'no_stream' : snapshot.revision,
        );
        const state = events.reduce((s, e) => fold.evolve(s, e), snapshot.state);
        this.cache.update(streamId, fold, { state, revision: result.nextExpectedRevision });
        return { events, state, position: result.position };
      } catch (error) {
        this.cache.evict(streamId);
        if (!(error instanceof ConcurrencyError) || attempt >= this.maxAttempts) throw error;
      }
    }
  }
}
