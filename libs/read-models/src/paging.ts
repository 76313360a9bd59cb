import { RosterError } from '@roster/errors';
import type { SqlQueryable } from '@roster/sql';

/** Auth0's defaults: page size 50 for both offset (`per_page`) and checkpoint (`take`) paging. */
export const DEFAULT_PAGE_SIZE = 50;

/** Offset paging (`page` is 0-based) and checkpoint paging (`from` = the `next` token of the previous page). */
export interface ListParams {
  page?: number;
  per_page?: number;
  include_totals?: boolean;
  from?: string;
  take?: number;
}

export type CheckpointParams = Pick<ListParams, 'from' | 'take'>;

export type TotalsPage<K extends string, T> = { start: number; limit: number; total: number } & { [P in K]: T[] };
export type CheckpointPage<K extends string, T> = { next?: string } & { [P in K]: T[] };

/**
 * Auth0's list shapes: a bare array by default, `{start, limit, total, <key>}` with `include_totals`, and
 * `{next?, <key>}` when `from` or `take` is given (`next` absent on the last page).
 */
export type ListResponse<K extends string, T> = T[] | TotalsPage<K, T> | CheckpointPage<K, T>;

export interface ListQuery<Row, T> {
  /** Response key of the wrapped shapes: `clients`, `connections`, ... */
  key: string;
  /** Select list, without the cursor column. */
  select: string;
  /** FROM clause (table and alias). */
  from: string;
  /** AND-ed conditions over `params` ($1...). */
  where: readonly string[];
  params: readonly unknown[];
  /** A column that is unique within the filtered rows and never changes: the order and the checkpoint. */
  cursor: { column: string; type: 'bigint' | 'text' };
  map: (row: Row) => T;
}

const TOKEN_PREFIX = 'rm1:';

/** The opaque `next` token: the cursor value of the last row returned. */
export const encodeCursor = (value: string): string => Buffer.from(TOKEN_PREFIX + value, 'utf8').toString('base64url');

export const decodeCursor = (token: string, type: 'bigint' | 'text'): string => {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const value = text.startsWith(TOKEN_PREFIX) ? text.slice(TOKEN_PREFIX.length) : '';
  if (!value || (type === 'bigint' && !/^\d{1,19}$/.test(value))) {
    throw new RosterError(
      'validation',
      'invalid_paging',
      'The "from" parameter is not a checkpoint this API returned',
      {
        details: { parameter: 'from' },
      },
    );
  }
  return value;
};

const whereClause = (conditions: readonly string[]): string =>
  conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';

/** Runs a list query in the shape the paging parameters ask for. */
export async function listPage<K extends string, Row, T>(
  db: SqlQueryable,
  query: ListQuery<Row, T> & { key: K },
  params: ListParams,
): Promise<ListResponse<K, T>> {
  if (params.from !== undefined || params.take !== undefined) return checkpointPage(db, query, params);
  const perPage = params.per_page ?? DEFAULT_PAGE_SIZE;
  const start = (params.page ?? 0) * perPage;
  const n = query.params.length;
  const { rows } = await db.query<Row>(
    `SELECT ${query.select} FROM ${query.from} ${whereClause(query.where)} ORDER BY ${query.cursor.column} LIMIT $${n + 1} OFFSET $${n + 2}`,
    [...query.params, perPage, start],
  );
  const items = rows.map(query.map);
  if (!params.include_totals) return items;
  const counted = await db.query<{ total: unknown }>(
    `SELECT count(*) AS total FROM ${query.from} ${whereClause(query.where)}`,
    query.params,
  );
  return { start, limit: perPage, total: Number(counted.rows[0].total), [query.key]: items } as TotalsPage<K, T>;
}

/** Checkpoint paging only (endpoints such as `GET /connections/{id}/clients`). */
export async function checkpointPage<K extends string, Row, T>(
  db: SqlQueryable,
  query: ListQuery<Row, T> & { key: K },
  params: CheckpointParams,
): Promise<CheckpointPage<K, T>> {
  const take = params.take ?? DEFAULT_PAGE_SIZE;
  const where = [...query.where];
  const values = [...query.params];
  if (params.from !== undefined) {
    values.push(decodeCursor(params.from, query.cursor.type));
    where.push(`${query.cursor.column} > $${values.length}::${query.cursor.type}`);
  }
  values.push(take + 1);
  const { rows } = await db.query<Row & { cursor__: unknown }>(
    `SELECT ${query.select}, (${query.cursor.column})::text AS cursor__ FROM ${query.from} ${whereClause(where)}
     ORDER BY ${query.cursor.column} LIMIT $${values.length}`,
    values,
  );
  const page = rows.slice(0, take);
  const response = { [query.key]: page.map(query.map) } as CheckpointPage<K, T>;
  if (rows.length > take && page.length > 0) response.next = encodeCursor(String(page[page.length - 1].cursor__));
  return response;
}

/** Collects AND-ed conditions and their parameters for a `ListQuery`. */
export class Filters {
  readonly where: string[] = [];
  readonly params: unknown[] = [];

  /** Adds `condition` over a new parameter holding `value`; nothing when `value` is undefined. */
  add(value: unknown, condition: (param: string) => string): this {
    if (value === undefined) return this;
    this.params.push(value);
    this.where.push(condition(`$${this.params.length}`));
    return this;
  }
}
