import type { IncomingMessage } from 'http';
import { concatenatedJsonObjects, decodeUtf8, isJsonObject, logIdOf } from './payload';
import { jsonReply, REDACTED, Receiver } from './receiver';
import type {
  AcceptedEvent,
  Answer,
  Candidate,
  ContentEncoding,
  Note,
  Parsed,
  ReceivedRequest,
  ReceiverOptions,
  Refusal,
  Reply,
  RequestBody,
} from './receiver';

/**
 * A strict Splunk HTTP Event Collector (reference/siem-sinks.md §1, §7): the JSON event protocol on
 * `/services/collector`, `/services/collector/event` and `/event/1.0`, indexer acknowledgement on
 * `/services/collector/ack`, and `/services/collector/health`. Answers use HEC's `{"text","code"}` bodies.
 *
 * Assumptions where Splunk's documentation is silent (all switchable or noted in the violation message):
 * - events before `invalid-event-number` are NOT accepted (`onInvalidEvent: 'reject-all'`); the reference found no
 *   Splunk text either way, so `'accept-before-invalid'` (the OTel collector's reading) is available;
 * - oversize body: 413 `{"text":"Request entity too large","code":413}`; an event over `maxEventSize`: 400 code 6;
 * - unknown path: 404 `{"text":"The requested URL was not found on this server.","code":404}`; wrong method: 405;
 * - `/services/collector/raw` is not served (our connectors use `/event`): 404 with a violation saying so;
 * - non-numeric `time` → 400 code 6 (`strictTime`), `fields` values other than string / string[] → 400 code 15
 *   (`strictFields`); a JSON array body → 400 code 6 at event 0 (not in Splunk's docs).
 * - noted, not refused: unknown envelope keys (Splunk ignores them, so their data is lost) and a `time` that looks
 *   like milliseconds (> 1e11).
 */

export interface SplunkHecReceiverOptions extends ReceiverOptions {
  /** Enabled HEC tokens. */
  tokens: readonly string[];
  /** Tokens that exist but are disabled: 403 code 1. */
  disabledTokens?: readonly string[];
  /** Accept `?token=` (else 400 code 16). Default false. */
  allowQueryStringAuth?: boolean;
  /** Indexer acknowledgement (`useACK`): channel required, `ackId` in answers. Default false. */
  ack?: boolean;
  /** Allowed `index` values (else 400 code 7); undefined: any. */
  indexes?: readonly string[];
  /** limits.conf `max_content_length`, applied before and after decoding. Default 1,000,000 bytes. */
  maxContentLength?: number;
  /** inputs.conf `maxEventSize`, per envelope. Default 5 MiB. */
  maxEventSize?: number;
  /** Content-Encodings accepted besides identity; others get 415. Default ['gzip']. */
  encodings?: readonly ContentEncoding[];
  /** See the class comment. Default 'reject-all'. */
  onInvalidEvent?: 'reject-all' | 'accept-before-invalid';
  /** Non-numeric `time` → 400 code 6. Default true. */
  strictTime?: boolean;
  /** `fields` must map to strings or string arrays, else 400 code 15. Default true. */
  strictFields?: boolean;
}

/** One HEC envelope as sent. */
export interface HecEnvelope {
  event: unknown;
  time?: number | string;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  fields?: Record<string, string | string[]>;
}

export interface SplunkAcceptedEvent extends AcceptedEvent {
  /** The envelope's `event`. */
  readonly event: unknown;
  readonly envelope: HecEnvelope;
  /** `X-Splunk-Request-Channel` (or `?channel=`) of the request. */
  readonly channel: string | undefined;
  /** The request's ackId, in ack mode. */
  ackId: number | undefined;
}

/** HEC's documented codes (reference §1.7). */
const HEC = {
  success: { status: 200, code: 0, text: 'Success' },
  tokenDisabled: { status: 403, code: 1, text: 'Token disabled' },
  tokenRequired: { status: 401, code: 2, text: 'Token is required' },
  invalidAuthorization: { status: 401, code: 3, text: 'Invalid authorization' },
  invalidToken: { status: 403, code: 4, text: 'Invalid token' },
  noData: { status: 400, code: 5, text: 'No data' },
  invalidDataFormat: { status: 400, code: 6, text: 'Invalid data format' },
  incorrectIndex: { status: 400, code: 7, text: 'Incorrect index' },
  internalError: { status: 500, code: 8, text: 'Internal server error' },
  serverBusy: { status: 503, code: 9, text: 'Server is busy' },
  channelMissing: { status: 400, code: 10, text: 'Data channel is missing' },
  invalidChannel: { status: 400, code: 11, text: 'Invalid data channel' },
  eventRequired: { status: 400, code: 12, text: 'Event field is required' },
  eventBlank: { status: 400, code: 13, text: 'Event field cannot be blank' },
  ackDisabled: { status: 400, code: 14, text: 'ACK is disabled' },
  indexedFields: { status: 400, code: 15, text: 'Error in handling indexed fields' },
  queryAuthDisabled: { status: 400, code: 16, text: 'Query string authorization is not enabled' },
  healthy: { status: 200, code: 17, text: 'HEC is healthy' },
  unhealthy: { status: 503, code: 18, text: 'HEC is unhealthy, queues are full' },
} as const;

type HecCode = (typeof HEC)[keyof typeof HEC];

const BY_STATUS: Record<number, HecCode> = {
  400: HEC.invalidDataFormat,
  500: HEC.internalError,
  503: HEC.serverBusy,
};

const EVENT_PATHS = new Set(['/services/collector', '/services/collector/event', '/services/collector/event/1.0']);
const HEALTH_PATHS = new Set(['/services/collector/health', '/services/collector/health/1.0']);
const RAW_PATHS = new Set(['/services/collector/raw', '/services/collector/raw/1.0']);
const ENVELOPE_KEYS = new Set(['event', 'time', 'host', 'source', 'sourcetype', 'index', 'fields']);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMERIC_TIME = /^\d+(\.\d+)?$/;
/** Epoch seconds above this are in the year 5138: the sender almost surely sent milliseconds. */
const MILLISECONDS_LIKELY = 1e11;

type AckStatus = 'pending' | 'indexed' | 'lost';

const hecReply = (hec: HecCode, extra: Record<string, unknown> = {}): Reply =>
  jsonReply(hec.status, { text: hec.text, code: hec.code, ...extra });

const hecRefusal = (hec: HecCode, code: string, message: string, position?: number): Refusal => ({
  reply: hecReply(hec, position === undefined ? {} : { 'invalid-event-number': position }),
  code,
  message,
  position,
});

export class SplunkHecReceiver extends Receiver<SplunkAcceptedEvent> {
  private readonly tokens: Set<string>;
  private readonly disabledTokens: Set<string>;
  private readonly indexes: Set<string> | undefined;
  private readonly maxContentLength: number;
  private readonly maxEventSize: number;
  private readonly channels = new Map<string, { nextAckId: number; statuses: Map<number, AckStatus> }>();
  private holding = false;

  constructor(private readonly options: SplunkHecReceiverOptions) {
    const maxContentLength = options.maxContentLength ?? 1_000_000;
    super(options, maxContentLength + 1);
    this.tokens = new Set(options.tokens);
    this.disabledTokens = new Set(options.disabledTokens ?? []);
    this.indexes = options.indexes ? new Set(options.indexes) : undefined;
    this.maxContentLength = maxContentLength;
    this.maxEventSize = options.maxEventSize ?? 5 * 1024 * 1024;
    this.partial = options.onInvalidEvent ?? 'reject-all';
  }

  static start(options: SplunkHecReceiverOptions): Promise<SplunkHecReceiver> {
    return new SplunkHecReceiver(options).listen();
  }

  /** Base URL of the event endpoint: `${url}/services/collector/event`. */
  get eventUrl(): string {
    return `${this.url}/services/collector/event`;
  }

  /** Ack mode: requests accepted from now on stay unacknowledged (`false`) until `releaseAcks()`. */
  holdAcks(): this {
    this.holding = true;
    return this;
  }

  /** Ack mode: every held ackId becomes `true`, and new ones are acknowledged at once again. */
  releaseAcks(): this {
    this.holding = false;
    for (const channel of this.channels.values()) {
      for (const [id, status] of channel.statuses) if (status === 'pending') channel.statuses.set(id, 'indexed');
    }
    return this;
  }

  protected override redactPath(path: string): string {
    return path.replace(/([?&]token=)[^&]*/g, `$1${REDACTED}`);
  }

  protected override errorReply(status: number, reason: string): Reply {
    const known = BY_STATUS[status];
    if (known) return hecReply(known);
    if (status === 404) return jsonReply(404, { text: 'The requested URL was not found on this server.', code: 404 });
    return jsonReply(status, { text: reason, code: status });
  }

  protected override async route(req: IncomingMessage, record: ReceivedRequest, body: RequestBody): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const path = url.pathname;
    const expected = EVENT_PATHS.has(path) || path === '/services/collector/ack' ? 'POST' : 'GET';
    if (EVENT_PATHS.has(path) || HEALTH_PATHS.has(path) || path === '/services/collector/ack') {
      if (record.method !== expected) {
        return this.refuse(record, this.refusal(405, 'method_not_allowed', `${path} takes ${expected}`));
      }
    }
    if (EVENT_PATHS.has(path)) return this.events(req, record, body, url);
    if (path === '/services/collector/ack') return this.ackQuery(req, record, body, url);
    if (HEALTH_PATHS.has(path)) return hecReply(this.failingNow() ? HEC.unhealthy : HEC.healthy);
    const why = RAW_PATHS.has(path)
      ? 'the raw endpoint is not served by this receiver: send JSON envelopes to /services/collector/event'
      : `no HEC endpoint at ${path}`;
    return this.refuse(record, this.refusal(404, 'not_found', why));
  }

  private events(req: IncomingMessage, record: ReceivedRequest, body: RequestBody, url: URL): Promise<Answer> {
    let channel: string | undefined;
    return this.ingest(req, record, body, {
      maxBytes: this.maxContentLength,
      tooLarge: {
        reply: jsonReply(413, { text: 'Request entity too large', code: 413 }),
        code: 'too_large',
        message: `body over max_content_length (${this.maxContentLength} bytes)`,
      },
      encodings: this.options.encodings ?? ['gzip'],
      authorize: () => {
        const denied = this.authenticate(req, url);
        if (denied) return denied;
        const found = this.channelOf(req, url, this.options.ack === true);
        if (typeof found !== 'string' && found !== undefined) return found;
        channel = found;
        return undefined;
      },
      parse: (bytes) => this.parseEnvelopes(bytes, channel),
      success: (accepted, dropped) => {
        if (!this.options.ack) return hecReply(HEC.success);
        const ackId = this.allocateAck(channel as string, dropped);
        for (const event of accepted) event.ackId = ackId;
        return hecReply(HEC.success, { ackId });
      },
      poison: (position) => hecReply(HEC.invalidDataFormat, { 'invalid-event-number': position }),
    });
  }

  private async ackQuery(req: IncomingMessage, record: ReceivedRequest, body: RequestBody, url: URL): Promise<Reply> {
    const denied = this.authenticate(req, url);
    if (denied) return this.refuse(record, denied);
    if (!this.options.ack)
      return this.refuse(record, hecRefusal(HEC.ackDisabled, 'ack_disabled', 'token has no useACK'));
    const channel = this.channelOf(req, url, true);
    if (typeof channel !== 'string') return this.refuse(record, channel as Refusal);
    const decoded = await this.decode(req, body.bytes, ['gzip'], this.maxContentLength);
    const text = Buffer.isBuffer(decoded) ? decodeUtf8(decoded) : undefined;
    let query: unknown;
    try {
      query = text === undefined ? undefined : JSON.parse(text);
    } catch {
      query = undefined;
    }
    const ids = isJsonObject(query) ? query.acks : undefined;
    if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id) && id >= 0)) {
      const message = 'ack query body must be {"acks":[<ackId>,...]}';
      return this.refuse(record, hecRefusal(HEC.invalidDataFormat, 'invalid_ack_query', message));
    }
    const statuses = this.channels.get(channel)?.statuses;
    const acks: Record<string, boolean> = {};
    for (const id of ids as number[]) {
      acks[id] = statuses?.get(id) === 'indexed';
      // Splunk forgets a status once it has been read as true.
      if (acks[id]) statuses?.delete(id);
    }
    return jsonReply(200, { acks });
  }

  private authenticate(req: IncomingMessage, url: URL): Refusal | undefined {
    const header = req.headers.authorization;
    let token: string | undefined;
    if (header === undefined) {
      token = url.searchParams.get('token') ?? undefined;
      if (token === undefined) return hecRefusal(HEC.tokenRequired, 'token_required', 'no Authorization header');
      if (!this.options.allowQueryStringAuth) {
        return hecRefusal(HEC.queryAuthDisabled, 'query_auth_disabled', '?token= used but not enabled');
      }
    } else {
      const match = /^(\S+) +(\S+)$/.exec(header.trim());
      const scheme = match?.[1].toLowerCase();
      if (match && scheme === 'splunk') token = match[2];
      else if (match && scheme === 'basic') {
        const credentials = Buffer.from(match[2], 'base64').toString('utf8');
        const colon = credentials.indexOf(':');
        token = colon < 0 ? undefined : credentials.slice(colon + 1);
      }
      if (token === undefined) {
        const message = `Authorization is not "Splunk <token>" or Basic (scheme: ${match?.[1] ?? 'none'})`;
        return hecRefusal(HEC.invalidAuthorization, 'invalid_authorization', message);
      }
    }
    if (this.disabledTokens.has(token)) return hecRefusal(HEC.tokenDisabled, 'token_disabled', 'token is disabled');
    if (!this.tokens.has(token)) return hecRefusal(HEC.invalidToken, 'invalid_token', 'unknown HEC token');
    return undefined;
  }

  /** The request's channel; a refusal when it is required and missing, or not a GUID. */
  private channelOf(req: IncomingMessage, url: URL, required: boolean): string | undefined | Refusal {
    const header = req.headers['x-splunk-request-channel'];
    const channel = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('channel') ?? undefined;
    if (channel === undefined) {
      const message = 'ack is on: X-Splunk-Request-Channel is required';
      return required ? hecRefusal(HEC.channelMissing, 'channel_missing', message) : undefined;
    }
    if (!GUID.test(channel)) return hecRefusal(HEC.invalidChannel, 'invalid_channel', 'channel is not a GUID');
    return channel;
  }

  private allocateAck(channel: string, dropped: boolean): number {
    let state = this.channels.get(channel);
    if (!state) {
      state = { nextAckId: 0, statuses: new Map() };
      this.channels.set(channel, state);
    }
    const ackId = state.nextAckId++;
    state.statuses.set(ackId, dropped ? 'lost' : this.holding ? 'pending' : 'indexed');
    return ackId;
  }

  private parseEnvelopes(bytes: Buffer, channel: string | undefined): Parsed<SplunkAcceptedEvent> {
    const events: Candidate<SplunkAcceptedEvent>[] = [];
    const notes: Note[] = [];
    const text = decodeUtf8(bytes);
    if (text === undefined) {
      return { events, refusal: hecRefusal(HEC.invalidDataFormat, 'invalid_utf8', 'body is not UTF-8', 0) };
    }
    if (text.trim() === '') return { events, refusal: hecRefusal(HEC.noData, 'no_data', 'empty body') };
    for (const item of concatenatedJsonObjects(text)) {
      if (!item.ok) {
        return { events, notes, refusal: hecRefusal(HEC.invalidDataFormat, 'malformed', item.reason, item.position) };
      }
      if (Buffer.byteLength(item.text) > this.maxEventSize) {
        const message = `envelope over maxEventSize (${this.maxEventSize} bytes)`;
        return { events, notes, refusal: hecRefusal(HEC.invalidDataFormat, 'event_too_large', message, item.position) };
      }
      const refusal = this.checkEnvelope(item.value as Record<string, unknown>, item.position, notes);
      if (refusal) return { events, notes, refusal };
      const envelope = item.value as HecEnvelope;
      events.push({
        position: item.position,
        event: envelope.event,
        logId: logIdOf(envelope.event),
        envelope,
        channel,
        ackId: undefined,
      });
    }
    return { events, notes };
  }

  /** Validates one envelope; non-refusing findings go to `notes`. */
  private checkEnvelope(envelope: Record<string, unknown>, position: number, notes: Note[]): Refusal | undefined {
    const bad = (hec: HecCode, code: string, message: string): Refusal => hecRefusal(hec, code, message, position);
    const { event, time, fields, index } = envelope;
    if (event === undefined || event === null) return bad(HEC.eventRequired, 'event_missing', 'envelope has no event');
    if (typeof event === 'string' && event.trim() === '') return bad(HEC.eventBlank, 'event_blank', 'event is blank');
    if (typeof event === 'boolean') return bad(HEC.invalidDataFormat, 'event_type', 'event is a boolean');
    if (time !== undefined) {
      const numeric =
        (typeof time === 'number' && Number.isFinite(time) && time >= 0) ||
        (typeof time === 'string' && NUMERIC_TIME.test(time));
      if (!numeric && this.options.strictTime !== false) {
        return bad(HEC.invalidDataFormat, 'invalid_time', 'time is not epoch seconds (number or numeric string)');
      }
      if (numeric && Number(time) > MILLISECONDS_LIKELY) {
        notes.push({ code: 'time_in_milliseconds', message: `time ${time} looks like milliseconds`, position });
      }
    }
    for (const key of ['host', 'source', 'sourcetype', 'index'] as const) {
      if (envelope[key] !== undefined && typeof envelope[key] !== 'string') {
        return bad(HEC.invalidDataFormat, 'invalid_metadata', `${key} is not a string`);
      }
    }
    if (this.indexes && typeof index === 'string' && !this.indexes.has(index)) {
      return bad(HEC.incorrectIndex, 'incorrect_index', `index "${index}" is not allowed for this token`);
    }
    if (fields !== undefined && this.options.strictFields !== false) {
      const valid =
        isJsonObject(fields) &&
        Object.values(fields).every(
          (v) => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string')),
        );
      if (!valid) return bad(HEC.indexedFields, 'invalid_fields', 'fields must map names to strings or string arrays');
    }
    for (const key of Object.keys(envelope)) {
      if (!ENVELOPE_KEYS.has(key)) {
        const message = `envelope key "${key}" is ignored by Splunk (its data is lost); put it in event or fields`;
        notes.push({ code: 'unknown_envelope_key', message, position });
      }
    }
    return undefined;
  }
}
