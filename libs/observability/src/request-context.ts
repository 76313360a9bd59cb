import { randomUUID } from 'crypto';

/** The request a log line is written for. */
export interface RequestContext {
  requestId: string;
}

/**
 * Set only while synchronous code that holds the request writes its log lines (see runInRequestContext). Not carried
 * across awaits on purpose: AsyncLocalStorage would carry it, but on Node 20 its promise hooks run for every promise of
 * the process, and cost the token endpoint about 6% of its throughput for the few lines written while serving.
 */
let current: RequestContext | undefined;

/** A caller's own id is kept when it is safe to echo and log: short, and only [A-Za-z0-9._-]. */
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The caller's `X-Request-Id` when well-formed, a fresh UUID otherwise (never a value that could forge a log line). */
export const requestIdFrom = (header: string | string[] | undefined): string =>
  typeof header === 'string' && WELL_FORMED_REQUEST_ID.test(header) ? header : randomUUID();

/**
 * Runs `work` with `context` as the current request: the log lines it writes before returning name the request. What
 * `work` does after an await runs outside it.
 */
export const runInRequestContext = <T>(context: RequestContext, work: () => T): T => {
  const outer = current;
  current = context;
  try {
    return work();
  } finally {
    current = outer;
  }
};

/** The id of the request whose log lines are being written, if any. */
export const currentRequestId = (): string | undefined => current?.requestId;
