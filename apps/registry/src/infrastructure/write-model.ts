import { RosterError } from '@roster/errors';
import type { Decider } from '@roster/registry-domain';
import { ReadModelFreshness } from '@roster/read-models';
import { AggregateRepository, CommandMetadata, ExecutionResult } from './aggregate-repository';
import { StreamSnapshot } from './stream-state-cache';

/**
 * The registry's door to the write side: run a command through its decider on one stream and, before the caller
 * answers, wait until the read models include the result (read-your-writes for the next GET).
 */
export class WriteModel {
  constructor(
    private readonly repository: AggregateRepository,
    private readonly freshness: ReadModelFreshness,
    private readonly visibilityTimeoutMs = 10_000,
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
    const result = await this.repository.execute<State, Event>(
      streamId,
      decider as never,
      (state) => decider.decide(build(state), state),
      metadata,
      options,
    );
    if (result.position !== undefined && !options.withoutReadModel) await this.visible(result.position);
    return result;
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
