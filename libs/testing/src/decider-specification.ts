/**
 * Given / when / then for pure deciders (after Emmett's DeciderSpecification): given past events, when a command
 * is decided, then exactly these events (or an error, or nothing). No mocks and no I/O; uses jest's `expect`.
 */
export interface DeciderLike<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export interface ThenStep<Event> {
  /** The decision equals these events (deep equality, order matters). */
  then(expected: Event[]): void;
  /** The decision throws; when given, the predicate must accept the error. Returns the error for more checks. */
  thenThrows(predicate?: (error: unknown) => boolean): unknown;
  /** The decision emits no event. */
  thenNothingHappened(): void;
}

export interface WhenStep<Command, Event> {
  when(command: Command): ThenStep<Event>;
}

export interface GivenStep<Command, Event> {
  given(events: Event[]): WhenStep<Command, Event>;
}

const forDecider = <Command, Event, State>(decider: DeciderLike<Command, Event, State>): GivenStep<Command, Event> => ({
  given: (events) => ({
    when: (command) => {
      const decide = (): Event[] => decider.decide(command, events.reduce(decider.evolve, decider.initialState()));
      return {
        then: (expected) => expect(decide()).toEqual(expected),
        thenNothingHappened: () => expect(decide()).toEqual([]),
        thenThrows: (predicate) => {
          let result: Event[];
          try {
            result = decide();
          } catch (error) {
            if (predicate && !predicate(error)) {
              throw new Error(`The error did not satisfy the predicate: ${String(error)}`, { cause: error });
            }
            return error;
          }
          throw new Error(`Expected an error but the decider returned ${JSON.stringify(result)}`);
        },
      };
    },
  }),
});

export const DeciderSpecification = { for: forDecider };
