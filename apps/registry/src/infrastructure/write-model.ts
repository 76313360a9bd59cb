import { ConcurrencyError, RosterError, isRosterError } from '@roster/errors';
import type { Decider } from '@roster/registry-domain';
import { ReadModelFreshness } from '@roster/read-models';
import { AggregateRepository, CommandMetadata, ExecutionResult } from './aggregate-repository';
import { StreamSnapshot } from './stream-state-cache';

/**
 * How a command ended: `applied` (events appended and visible), `unchanged` (nothing to append), `rejected` (the
 * decider or a rule refused it), `conflict` (concurrent writers won every attempt), `lagging` (appended, but the read
 * models did not show it in time), `failed` (anything else: the store down...).
 */
export type CommandOutcome = 'applied' | 'unchanged' | 'rejected' | 'conflict' | 'lagging' | 'failed';

/** Where each command's outcome and duration go (the process metrics). */
export interface CommandMetrics {
  observe(command: string, outcome: CommandOutcome, seconds: number): void;
}

const outcomeOf = (error: unknown): CommandOutcome => {
  if (error instanceof ConcurrencyError) return 'conflict';
  if (!isRosterError(error)) return 'failed';
  if (error.code === 'read_model_lagging') return 'lagging';
  return error.kind === 'unavailable' || error.kind === 'internal' ? 'failed' : 'rejected';
};

const commandTypeOf = (command: unknown): string =>
  typeof command === 'object' && command !== null && typeof (command as { type?: unknown }).type === 'string'
    ? (command as { type: string }).type
    : 'unknown';

/**
 * The registry's door to the write side: run a command through its decider on one stream and, before the caller
 * answers, wait until the read models include the result (read-your-writes for the next GET).
 */
export class WriteModel {
  constructor(
    private readonly repository: AggregateRepository,
    private readonly freshness: ReadModelFreshness,
    private readonly visibilityTimeoutMs = 10_000,
    private readonly metrics?: CommandMetrics,
  ) {}

  load<State>(
    streamId: string,
    decider: Pick<Decider<unknown, never, State>, 'initialState' | 'evolve'>,
  ): Promise<StreamSnapshot<State>> {
    return this.repository.load(streamId, decider as never);
  }

  async execute<Command, Event extends { type: string; data: Record<string, unknown> }, State>(
    streamId: string,
    decider: Decider<Command, Event, State>,
    /** The command, or a function that builds it from the current state (re-run on the fresh state after a conflict). */
    command: Command | ((state: State) => Command),
    metadata: CommandMetadata,
    /** `withoutReadModel`: no read model folds this stream (initial access tokens), so there is nothing to wait for. */
    options: { newStream?: boolean; withoutReadModel?: boolean } = {},
  ): Promise<ExecutionResult<State, Event>> {
    const build = typeof command === 'function' ? (command as (state: State) => Command) : () => command;
    const started = performance.now();
    let type = 'unknown';
    const observe = (outcome: CommandOutcome): void => {
      try {
        this.metrics?.observe(type, outcome, (performance.now() - started) / 1000);
      } catch {
        // an observer never changes a command's outcome
      }
    };
    try {
      const result = await this.repository.execute<State, Event>(
        streamId,
        decider as never,
        (state) => {
          const built = build(state);
          type = commandTypeOf(built);
          return decider.decide(built, state);
        },
        metadata,
        options,
      );
      if (result.position !== undefined && !options.withoutReadModel) await this.visible(result.position);
      observe(result.events.length > 0 ? 'applied' : 'unchanged');
      return result;
    } catch (error) {
      observe(outcomeOf(error));
      throw error;
    }
  }

  /** Waits until the read models include `position`; the write is durable either way. */
  async visible(position: bigint): Promise<void> {
    if (!(await this.freshness.waitForPosition(position, this.visibilityTimeoutMs))) {
      throw new RosterError(
        'unavailable',
        'read_model_lagging',
        'The change was saved but is not yet visible; retry the read shortly',
      );
    }
  }
}
