import { STATUS_CODES } from 'http';
import type { RejectedOutcome, RetryOutcome, SendOutcome } from './connector';

/**
 * How an HTTP answer becomes a SendOutcome, for every SIEM (reference/siem-sinks.md §1.10): 2xx delivered; 408, 429
 * and 5xx retried (Retry-After honoured); 400, 413 and 422 rejected (the content is at fault, `deliverBatch` isolates
 * the bad events); every other 4xx and 3xx retried as a misconfiguration, so the stream keeps its position and reports
 * it instead of dropping events because of a wrong token or URL.
 */

/** Statuses that mean "this content is not acceptable": the only ones that lead to dead letters. */
const CONTENT_REFUSED = new Set([400, 413, 422]);
/** How much of a SIEM's answer goes into a reason. */
const DETAIL_CHARS = 200;

export const retry = (reason: string, status?: number, retryAfterMs?: number): RetryOutcome => ({
  kind: 'retry',
  reason,
  ...(status === undefined ? {} : { status }),
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

export const misconfigured = (reason: string, status?: number): RetryOutcome =>
  retry(`misconfiguration: ${reason}`, status);

export const rejected = (reason: string, status?: number, badEventIndex?: number): RejectedOutcome => ({
  kind: 'rejected',
  reason,
  ...(status === undefined ? {} : { status }),
  ...(badEventIndex === undefined ? {} : { badEventIndex }),
});

/** `Retry-After` as milliseconds from `now`: delay-seconds or an HTTP-date; undefined when absent or malformed. */
export const parseRetryAfter = (value: string | undefined, now: number): number | undefined => {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date always names the weekday; Date.parse alone would also take "5" or "2025".
  if (!/^[A-Za-z]{3},/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
};

/**
 * Removes secrets from text that reaches a reason (an answer may echo a URL or a header). Secrets shorter than 3
 * characters are left alone: replacing them would mangle the text and they are refused by validation anyway.
 */
export const redactor = (secrets: readonly (string | undefined)[]): ((text: string) => string) => {
  const list = [...new Set(secrets.filter((s): s is string => s !== undefined && s.length >= 3))].sort(
    (a, b) => b.length - a.length,
  );
  return (text) => list.reduce((result, secret) => result.split(secret).join('****'), text);
};

/** A SIEM's answer body cut short and flattened to one line, for a reason. */
export const answerDetail = (text: string, redact: (text: string) => string): string => {
  const flat = redact(text).replace(/\s+/g, ' ').trim();
  return flat.length > DETAIL_CHARS ? `${flat.slice(0, DETAIL_CHARS)}…` : flat;
};

export const statusText = (status: number): string => `${status} ${STATUS_CODES[status] ?? 'Unknown'}`.trim();

/** The outcome of an HTTP answer by its status. `detail`: what the SIEM said, already redacted. */
export const statusOutcome = (
  service: string,
  status: number,
  detail: string,
  retryAfterMs: number | undefined,
): SendOutcome => {
  if (status >= 200 && status < 300) return { kind: 'delivered' };
  const said = `${service} answered ${statusText(status)}${detail ? `: ${detail}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) return retry(said, status, retryAfterMs);
  if (CONTENT_REFUSED.has(status)) return rejected(said, status);
  if (status === 401 || status === 403) return misconfigured(`${said} (check the stream's credentials)`, status);
  if (status >= 300 && status < 400) {
    return misconfigured(`${said} (a redirect is not followed: configure the final URL)`, status);
  }
  return misconfigured(`${said} (check the stream's endpoint)`, status);
};

/** Network failure codes worded for a reason; anything else is shown by its code. */
const TRANSPORT_PROBLEMS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed',
};

const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/;

/** A reason for a request that got no HTTP answer (`code`: the Node error code, or 'timeout'). */
export const transportProblem = (code: string | undefined, timeoutMs: number): string => {
  if (code === 'timeout') return `no answer within ${timeoutMs} ms`;
  if (code && TLS_CODE.test(code)) return `TLS certificate not accepted (${code})`;
  return code ? `${TRANSPORT_PROBLEMS[code] ?? 'network error'} (${code})` : 'network error';
};
