import { randomUUID } from 'crypto';
import type { LogEvent } from '@roster/logs';
import {
  abortableSleep,
  DEFAULT_TIMEOUT_MS,
  isDeliveryAborted,
  type ConnectorOptions,
  type SendOutcome,
  type SinkConnector,
} from './connector';
import { HttpSinkConnector, type AnswerContext, type SinkProtocol } from './http-sink-connector';
import { unreachableCode, type HttpAnswer } from './http-transport';
import { answerDetail, misconfigured, rejected, retry, statusOutcome, transportProblem } from './outcomes';
import { SINK_DEFAULTS, type SplunkSink } from './sink-config';
import { logElementJson } from './event-json';

/**
 * Splunk HTTP Event Collector (reference/siem-sinks.md §1): JSON envelopes concatenated in one gzip body to
 * `/services/collector/event`, `Authorization: Splunk <token>`, answers read by HEC code. With `ack`, every request
 * names this connector's channel and `send` resolves only once `/services/collector/ack` says the request was indexed.
 */

const SERVICE = 'Splunk HEC';
/** Under HEC's max_content_length (800 MiB since 6.5, 1 MB before and on strict deployments), uncompressed. */
const MAX_BODY_BYTES = 800_000;
/** inputs.conf maxEventSize default (5 MB): a larger envelope is dropped by Splunk with a parsing error. */
const MAX_EVENT_BYTES = 5_000_000;
const MAX_BATCH_EVENTS = 1000;
const MAX_ACK_POLL_MS = 10_000;

/** HEC codes that blame the content (reference §1.7): dead-letter the event at `invalid-event-number`. */
const CONTENT_CODES = new Set([5, 6, 12, 13, 15]);
/** HEC codes that blame the configuration (token, index, channel, ack): keep the position and report. */
const CONFIG_CODES = new Set([1, 2, 3, 4, 7, 10, 11, 14, 16, 21, 22]);
const CONFIG_STATUSES = new Set([401, 403, 404]);

interface HecReply {
  text?: string;
  code?: number;
  ackId?: number;
  invalidEvent?: number;
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const count = (value: unknown): number | undefined =>
  Number.isInteger(value) && (value as number) >= 0 ? (value as number) : undefined;

/** HEC's `{"text", "code", "ackId"?, "invalid-event-number"?}`; fields that are missing or malformed are left out. */
export const parseHecReply = (text: string): HecReply => {
  const json = parseJson(text);
  if (typeof json !== 'object' || json === null) return {};
  const { text: said, code, ackId, 'invalid-event-number': invalid } = json as Record<string, unknown>;
  return {
    ...(typeof said === 'string' ? { text: said } : {}),
    ...(count(code) === undefined ? {} : { code: count(code) }),
    ...(count(ackId) === undefined ? {} : { ackId: count(ackId) }),
    ...(count(invalid) === undefined ? {} : { invalidEvent: count(invalid) }),
  };
};

/** The outcome of an event POST's answer by HEC code, falling back to the HTTP status. */
export const hecOutcome = (
  status: number,
  reply: HecReply,
  detail: string,
  retryAfterMs: number | undefined,
): SendOutcome => {
  const { code } = reply;
  const said = `${SERVICE} answered code ${code} "${reply.text ?? ''}" (HTTP ${status})`;
  if (code !== undefined && CONTENT_CODES.has(code)) return rejected(said, status, reply.invalidEvent);
  if (code !== undefined && CONFIG_CODES.has(code)) return misconfigured(said, status);
  return statusOutcome(SERVICE, status, detail, retryAfterMs);
};

/** `splunkDomain` with its optional scheme (default https), `splunkPort` (default 8088). */
export const splunkBaseUrl = (sink: SplunkSink): URL => {
  const explicit = /^(https?):\/\/(.*)$/i.exec(sink.splunkDomain);
  const scheme = explicit ? explicit[1].toLowerCase() : 'https';
  const host = explicit ? explicit[2] : sink.splunkDomain;
  return new URL(`${scheme}://${host}:${sink.splunkPort ?? SINK_DEFAULTS.splunkPort}`);
};

/** One HEC envelope: `time` in epoch seconds with milliseconds, the log as `{log_id, data}` like Auth0's streams. */
export const splunkEnvelope = (event: LogEvent): string => {
  const millis = Date.parse(event.date);
  const host = event.hostname ?? event.tenant_name;
  // Written out rather than JSON.stringify'd, so that the event's own JSON is reused (see event-json.ts).
  return (
    '{' +
    // A date that does not parse is left out: Splunk then uses the receipt time instead of refusing the event.
    (Number.isFinite(millis) ? `"time":${millis / 1000},` : '') +
    (host === undefined ? '' : `"host":${JSON.stringify(host)},`) +
    `"source":"roster","sourcetype":"roster:log","event":${logElementJson(event)}}`
  );
};

export const createSplunkHecConnector = (sink: SplunkSink, options: ConnectorOptions = {}): SinkConnector => {
  const base = splunkBaseUrl(sink);
  const ack = options.ack === true;
  const channel = randomUUID();
  const authorization = `Splunk ${sink.splunkToken}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const ackPollIntervalMs = options.ackPollIntervalMs ?? 1000;
  const ackTimeoutMs = options.ackTimeoutMs ?? 300_000;
  const ackUrl = new URL('/services/collector/ack', base);
  const headers = (): Record<string, string> => ({
    authorization,
    'content-type': 'application/json',
    ...(ack ? { 'x-splunk-request-channel': channel } : {}),
  });

  /** Polls until `ackId` is indexed; a timeout is a retry (the request is sent again, possibly a duplicate). */
  const waitForAck = async (ackId: number, context: AnswerContext): Promise<SendOutcome> => {
    const deadline = now() + ackTimeoutMs;
    let interval = ackPollIntervalMs;
    let lastProblem = 'not indexed yet';
    const body = Buffer.from(JSON.stringify({ acks: [ackId] }));
    for (;;) {
      await abortableSleep(Math.max(0, Math.min(interval, deadline - now())), context.signal);
      let answer: HttpAnswer | undefined;
      try {
        answer = await context.transport.post({
          url: ackUrl,
          headers: headers(),
          body,
          timeoutMs,
          signal: context.signal,
        });
      } catch (error) {
        if (isDeliveryAborted(error)) throw error;
        lastProblem = transportProblem(unreachableCode(error), timeoutMs);
      }
      if (answer) {
        if (answer.status === 200) {
          const acks = (parseJson(answer.text) as { acks?: Record<string, unknown> } | undefined)?.acks;
          if (acks?.[String(ackId)] === true) return { kind: 'delivered' };
          lastProblem = 'not indexed yet';
        } else {
          const reply = parseHecReply(answer.text);
          if (reply.code === 14) {
            const why = 'indexer acknowledgement is disabled for this token (code 14): turn ack off or enable useACK';
            return misconfigured(`${SERVICE}: ${why}`, answer.status);
          }
          // Only a configuration problem ends the wait early; anything else is retried until the deadline.
          if ((reply.code !== undefined && CONFIG_CODES.has(reply.code)) || CONFIG_STATUSES.has(answer.status)) {
            return hecOutcome(answer.status, reply, answerDetail(answer.text, context.redact), undefined);
          }
          lastProblem = `ack query answered HTTP ${answer.status}`;
        }
      }
      if (now() >= deadline) {
        return retry(
          `${SERVICE} did not acknowledge request ${ackId} within ${ackTimeoutMs} ms (${lastProblem}); it will be sent again`,
        );
      }
      interval = Math.min(interval * 2, MAX_ACK_POLL_MS);
    }
  };

  const protocol: SinkProtocol = {
    type: 'splunk',
    service: SERVICE,
    url: new URL('/services/collector/event', base),
    framing: { open: '', separator: '', close: '' },
    gzip: true,
    maxBatchEvents: MAX_BATCH_EVENTS,
    maxBodyBytes: MAX_BODY_BYTES,
    maxEventBytes: MAX_EVENT_BYTES,
    secrets: [sink.splunkToken],
    verifyTls: sink.splunkSecure,
    encode: splunkEnvelope,
    headers,
    interpret: async (answer, context) => {
      const reply = parseHecReply(answer.text);
      const success = answer.status >= 200 && answer.status < 300;
      if (!success || (reply.code !== undefined && (CONTENT_CODES.has(reply.code) || CONFIG_CODES.has(reply.code)))) {
        return hecOutcome(answer.status, reply, answerDetail(answer.text, context.redact), context.retryAfterMs);
      }
      // Without an ackId the token has no useACK: the events were accepted and resending would only duplicate them.
      if (!ack || reply.ackId === undefined) return { kind: 'delivered' };
      return waitForAck(reply.ackId, context);
    },
  };
  return new HttpSinkConnector(protocol, options);
};
