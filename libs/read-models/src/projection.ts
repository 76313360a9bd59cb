import type { RecordedEvent } from '@roster/event-store';
import type { DomainEvent } from '@roster/registry-domain';
import type { SqlQueryable } from '@roster/sql';

/** One SQL statement with its parameters: what a reducer returns, so reducers stay pure and testable without SQL. */
export interface Statement {
  text: string;
  params: readonly unknown[];
}

/** A read-model table: its (versioned) name and the idempotent DDL that creates it and its indexes. */
export interface TableDefinition {
  name: string;
  ddl: readonly string[];
}

/**
 * A read model fed from the global log. Table names carry the version (`rm_clients_v1`): changing a projection means
 * bumping the version, which gives new, empty tables that the runner fills by replay. A projection reads only its own
 * tables, so the runner may apply a batch projection by projection rather than event by event.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  readonly tables: readonly TableDefinition[];
  /** Event types this projection reacts to; all others are skipped. */
  readonly handles: readonly string[];
  /** Stream id prefixes of those events, so the runner can subscribe to a filtered log. */
  readonly streamPrefixes: readonly string[];
  apply(tx: SqlQueryable, event: RecordedEvent): Promise<void>;
  /**
   * Optional: applies consecutive events of one type with the effect of `apply` on each in turn, in fewer statements
   * (one round trip for a run of registrations instead of one per registration).
   */
  applyRun?(tx: SqlQueryable, events: readonly RecordedEvent[]): Promise<void>;
  /**
   * Optional: applies several events (in order) at once, in one statement. Only for projections whose tables no
   * other projection reads: the runner applies such a batch after the batch's other events.
   */
  applyMany?(tx: SqlQueryable, events: readonly RecordedEvent[]): Promise<void>;
  /** False when applying needs only the events' identity, not their payload (it reads them where they are stored). */
  readonly readsEventData?: boolean;
}

/** `data` of the event named `T` within the union `E`. */
export type EventData<E extends DomainEvent, T extends E['type']> = Extract<E, { type: T }>['data'];

/** Pure reducers by event type: the event's payload in, the statements that bring the tables up to date out. */
export type Reducers<E extends DomainEvent> = {
  [T in E['type']]: (data: EventData<E, T>, event: RecordedEvent) => Statement | readonly Statement[];
};

/** One event of a run, as a run reducer gets it. */
export interface Reduced<E extends DomainEvent, T extends E['type']> {
  data: EventData<E, T>;
  event: RecordedEvent;
}

/** Pure reducers of a run of consecutive events of one type; each has the effect of its type's reducer on each event. */
export type RunReducers<E extends DomainEvent> = {
  [T in E['type']]?: (run: readonly Reduced<E, T>[]) => Statement | readonly Statement[];
};

export interface ProjectionSpec<E extends DomainEvent> {
  name: string;
  version: number;
  tables: readonly TableDefinition[];
  streamPrefixes: readonly string[];
  reducers: Reducers<E>;
  /** For the event types that come in runs (registrations under load): a run in one statement. */
  runReducers?: RunReducers<E>;
}

/**
 * Builds a projection from a map of pure reducers. Payloads are trusted as typed: the log only holds events written
 * by the registry's deciders.
 */
export const defineProjection = <E extends DomainEvent>(spec: ProjectionSpec<E>): Projection => {
  const reducers = spec.reducers as Record<
    string,
    (data: unknown, event: RecordedEvent) => Statement | readonly Statement[]
  >;
  const runReducers = spec.runReducers as
    | Record<
        string,
        ((run: readonly { data: unknown; event: RecordedEvent }[]) => Statement | readonly Statement[]) | undefined
      >
    | undefined;
  const apply = async (tx: SqlQueryable, event: RecordedEvent): Promise<void> => {
    const reduce = reducers[event.type];
    if (reduce) await execute(tx, reduce(event.data, event));
  };
  return {
    name: spec.name,
    version: spec.version,
    tables: spec.tables,
    streamPrefixes: spec.streamPrefixes,
    handles: Object.keys(reducers),
    apply,
    ...(runReducers && {
      async applyRun(tx: SqlQueryable, events: readonly RecordedEvent[]) {
        const reduceRun = events.length > 1 ? runReducers[events[0].type] : undefined;
        if (reduceRun) await execute(tx, reduceRun(events.map((event) => ({ data: event.data, event }))));
        else for (const event of events) await apply(tx, event);
      },
    }),
  };
};

const execute = async (tx: SqlQueryable, result: Statement | readonly Statement[]): Promise<void> => {
  for (const statement of isStatementList(result) ? result : [result]) await tx.query(statement.text, statement.params);
};

const isStatementList = (value: Statement | readonly Statement[]): value is readonly Statement[] =>
  Array.isArray(value);

export const sql = (text: string, ...params: unknown[]): Statement => ({ text, params });

/** Positions travel as decimal strings: `pg` cannot serialise bigint parameters and PostgreSQL casts them exactly. */
export const positionParam = (position: bigint): string => position.toString();

/** `pg` returns int8 as string, PGlite as bigint. */
export const toBigInt = (value: unknown): bigint => BigInt(value as string | number | bigint);

/** JSONB parameters go in as JSON text (both drivers accept it for a `$n::jsonb` cast). */
export const jsonParam = (value: unknown): string => JSON.stringify(value ?? null);

/**
 * The last of a run's items per key: for upserts that overwrite the whole row, applying only the last
 * has the effect of applying each in turn (and one statement may not upsert a row twice).
 */
export const lastPerKey = <T>(items: readonly T[], keyOf: (item: T) => string): T[] => [
  ...new Map(items.map((item) => [keyOf(item), item] as const)).values(),
];

/** timestamptz comes back as a Date from both drivers; events and responses carry ISO strings. */
export const toIso = (value: unknown): string | null =>
  value === null || value === undefined
    ? null
    : value instanceof Date
      ? value.toISOString()
      : new Date(String(value)).toISOString();

/**
 * A partial update as two parameters for `mergedDoc`: the fields to set (JSON) and the fields to unset (those the
 * change sets to null; Auth0 omits unset fields rather than returning null).
 */
export const changeParams = (changes: object): [set: string, unset: string[]] => {
  const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
  return [
    JSON.stringify(Object.fromEntries(entries.filter(([, value]) => value !== null))),
    entries.filter(([, value]) => value === null).map(([key]) => key),
  ];
};

/** SQL for `column` with a `changeParams` pair (at `$set`, `$set + 1`) merged in, one level deep. */
export const mergedDoc = (column: string, set: number): string =>
  `((${column} || $${set}::jsonb) - $${set + 1}::text[])`;
