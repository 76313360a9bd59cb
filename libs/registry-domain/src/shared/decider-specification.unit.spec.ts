import { DeciderSpecification } from '../../../testing/src/decider-specification';

/** The given/when/then helper must fail when the decider does not do what the test says. */
type Command = { type: 'add'; amount: number } | { type: 'fail' };
type Event = { type: 'added'; amount: number };
const counter = {
  initialState: () => 0,
  evolve: (total: number, event: Event) => total + event.amount,
  decide: (command: Command, total: number): Event[] => {
    if (command.type === 'fail') throw new Error(`refused at ${total}`);
    return command.amount === 0 ? [] : [{ type: 'added', amount: command.amount }];
  },
};
const spec = DeciderSpecification.for(counter);

describe('DeciderSpecification', () => {
  it('folds the given events before deciding', () => {
    const error = spec
      .given([{ type: 'added', amount: 2 }])
      .when({ type: 'fail' })
      .thenThrows();
    expect((error as Error).message).toBe('refused at 2');
  });

  it('fails when the events differ', () => {
    expect(() =>
      spec
        .given([])
        .when({ type: 'add', amount: 1 })
        .then([{ type: 'added', amount: 2 }]),
    ).toThrow();
  });

  it('fails when something happened but nothing was expected', () => {
    expect(() => spec.given([]).when({ type: 'add', amount: 1 }).thenNothingHappened()).toThrow();
    spec.given([]).when({ type: 'add', amount: 0 }).thenNothingHappened();
  });

  it('fails when no error is thrown, or the wrong one', () => {
    expect(() => spec.given([]).when({ type: 'add', amount: 1 }).thenThrows()).toThrow(/Expected an error/);
    expect(() =>
      spec
        .given([])
        .when({ type: 'fail' })
        .thenThrows((e) => (e as Error).message === 'other'),
    ).toThrow(/predicate/);
  });
});
