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
 * bumping the version, which gives new, empty tables that the runner fills by replay.
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

export interface ProjectionSpec<E extends DomainEvent> {
  name: string;
  version: number;
  tables: readonly TableDefinition[];
  streamPrefixes: readonly string[];
  reducers: Reducers<E>;
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
  return {
    name: spec.name,
    version: spec.version,
    tables: spec.tables,
    streamPrefixes: spec.streamPrefixes,
    handles: Object.keys(reducers),
    async apply(tx, event) {
      const reduce = reducers[event.type];
      if (!reduce) return;
      const result = reduce(event.data, event);
      for (const statement of isStatementList(result) ? result : [result])
        await tx.query(statement.text, statement.params);
    },
  };
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
