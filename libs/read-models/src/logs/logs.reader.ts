import { RosterError } from '@roster/errors';
import { type LogEvent, parseLogSearchQuery, positionOfLogId, toSqlCondition } from '@roster/logs';
import type { SqlQueryable } from '@roster/sql';
import { Filters } from '../paging';
import { positionParam } from '../projection';
import { LOGS_TABLE, LOG_TEXT_COLUMNS } from './logs.projection';

/** Auth0: at most 100 per page, and only the first 1,000 results of a search are reachable. */
export const MAX_LOGS_PER_PAGE = 100;
export const MAX_REACHABLE_LOGS = 1000;

export interface LogSearchParams {
  q?: string;
  page?: number;
  per_page?: number;
  /** `date:1` oldest first, `date:-1` newest first (default). */
  sort?: 'date:1' | 'date:-1';
  include_totals?: boolean;
}

export interface LogSearchResult {
  logs: LogEvent[];
  start: number;
  limit: number;
  /** Matches, counted up to the reachable 1,000 (Auth0 reaches no further, and counting millions is not free). */
  total?: number;
}

const COLUMN_OF: Record<string, string> = {
  ...Object.fromEntries(LOG_TEXT_COLUMNS.map((c) => [c, c])),
  date: 'date',
  log_id: 'log_id',
};

const columnOf = (field: string): string => {
  const column = COLUMN_OF[field];
  if (!column) throw new RosterError('validation', 'invalid_query', `Field ${field} is not searchable`);
  return column;
};

export class LogsReader {
  constructor(private readonly db: SqlQueryable) {}

  /** Search mode: `q`, sorted by date, offset paging within the first 1,000 results. */
  async search(tenant: string, params: LogSearchParams): Promise<LogSearchResult> {
    const perPage = params.per_page ?? 50;
    const start = (params.page ?? 0) * perPage;
    if (start + perPage > MAX_REACHABLE_LOGS) {
      throw new RosterError(
        'validation',
        'invalid_paging',
        `You can only page through the first ${MAX_REACHABLE_LOGS} records`,
      );
    }
    const filters = new Filters().add(tenant, (p) => `tenant = ${p}`);
    if (params.q !== undefined && params.q.trim() !== '') {
      const condition = toSqlCondition(parseLogSearchQuery(params.q), columnOf, filters.params.length + 1);
      filters.where.push(`(${condition.sql})`);
      filters.params.push(...condition.params);
    }
    const where = filters.where.join(' AND ');
    const direction = params.sort === 'date:1' ? 'ASC' : 'DESC';
    const n = filters.params.length;
    // The page's positions first, then their documents: a search whose index holds date and position (IP prefixes)
    // sorts its matches without reading them, and only the page's rows are read from the table.
    const { rows } = await this.db.query<{ doc: LogEvent }>(
      `SELECT l.doc FROM (
         SELECT position, date FROM ${LOGS_TABLE} WHERE ${where}
          ORDER BY date ${direction}, position ${direction} LIMIT $${n + 1} OFFSET $${n + 2}) page
       JOIN ${LOGS_TABLE} l ON l.tenant = $1 AND l.position = page.position
       ORDER BY page.date ${direction}, page.position ${direction}`,
      [...filters.params, perPage, start],
    );
    const result: LogSearchResult = { logs: rows.map((r) => r.doc), start, limit: perPage };
    if (params.include_totals) {
      const counted = await this.db.query<{ total: unknown }>(
        `SELECT count(*) AS total FROM (SELECT 1 FROM ${LOGS_TABLE} WHERE ${where} LIMIT ${MAX_REACHABLE_LOGS}) m`,
        filters.params,
      );
      result.total = Number(counted.rows[0].total);
    }
    return result;
  }

  /**
   * Checkpoint mode: the log events after `from` (a log id; omitted = from the oldest kept) in log id order, which is
   * commit order, so a reader following `from` sees every event exactly once even while new ones arrive.
   */
  async after(tenant: string, from: string | undefined, take: number): Promise<LogEvent[]> {
    const position = from === undefined ? 0n : positionOfLogId(from);
    if (position === undefined) {
      throw new RosterError('validation', 'invalid_paging', 'The "from" parameter must be a log_id');
    }
    const { rows } = await this.db.query<{ doc: LogEvent }>(
      `SELECT doc FROM ${LOGS_TABLE} WHERE tenant = $1 AND position > $2::bigint ORDER BY position LIMIT $3`,
      [tenant, positionParam(position), take],
    );
    return rows.map((r) => r.doc);
  }

  async get(tenant: string, logId: string): Promise<LogEvent | null> {
    const position = positionOfLogId(logId);
    if (position === undefined) return null;
    const { rows } = await this.db.query<{ doc: LogEvent }>(
      `SELECT doc FROM ${LOGS_TABLE} WHERE tenant = $1 AND position = $2::bigint`,
      [tenant, positionParam(position)],
    );
    return rows[0]?.doc ?? null;
  }

  /** Which of these ingestion keys the tenant's log already holds. */
  async storedIngestIds(tenant: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.db.query<{ ingest_id: string }>(
      // The ids as one JSON text: pg escapes an array parameter element by element, a cost per id in this process.
      `SELECT ingest_id FROM ${LOGS_TABLE}
        WHERE tenant = $1 AND ingest_id = ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb)))`,
      [tenant, JSON.stringify(ids)],
    );
    return new Set(rows.map((r) => r.ingest_id));
  }
}
