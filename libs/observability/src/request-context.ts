import { AsyncLocalStorage } from 'async_hooks';
import { randomUUID } from 'crypto';

/**
 * The request a piece of work belongs to, carried through its awaits (AsyncLocalStorage), so every log line written
 * while serving it can name it without the id being passed around.
 */
export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** A caller's own id is kept when it is safe to echo and log: short, and only [A-Za-z0-9._-]. */
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The caller's `X-Request-Id` when well-formed, a fresh UUID otherwise (never a value that could forge a log line). */
export const requestIdFrom = (header: string | string[] | undefined): string =>
  typeof header === 'string' && WELL_FORMED_REQUEST_ID.test(header) ? header : randomUUID();

/** Runs `work` inside `context`; everything it awaits sees it. */
export const runInRequestContext = <T>(context: RequestContext, work: () => T): T => storage.run(context, work);

/** The id of the request being served, if any. */
export const currentRequestId = (): string | undefined => storage.getStore()?.requestId;
