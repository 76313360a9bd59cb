import { createServer, STATUS_CODES } from 'http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { gunzip, inflate } from 'zlib';
import { promisify } from 'util';
import { RosterError } from '@roster/errors';

/**
 * The machinery every strict test receiver shares: a node:http server on 127.0.0.1 (port chosen by the OS and kept
 * across down()/up()), a record of each request (secrets redacted), the accepted log events in arrival order, the
 * protocol violations seen, and fault injection. A subclass speaks one service's protocol: it routes, authenticates,
 * parses, and says how that service words its answers.
 */

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

export type ContentEncoding = 'gzip' | 'deflate';

export interface ReceiverOptions {
  /** Keep every accepted event in `accepted` (default true). Benchmarks pass false and read `acceptedCount`. */
  retainEvents?: boolean;
}

/** A log event the receiver accepted (the service would have indexed it). */
export interface AcceptedEvent {
  /** `index` of the request that delivered it. */
  readonly requestIndex: number;
  /** Zero-based position of the event in that request's body. */
  readonly position: number;
  /** The decoded log event (per receiver: HEC `event`, a parsed line, a webhook element's `data`). */
  readonly event: unknown;
  /** Its Auth0 `log_id`, or undefined when it carries none. */
  readonly logId: string | undefined;
}

/** Something a sender did that the protocol does not allow or the service would silently mishandle. */
export interface Violation {
  readonly requestIndex: number;
  /** Stable id, e.g. `invalid_token`, `event_missing`, `too_large`. */
  readonly code: string;
  /** Why, in one sentence; never contains a secret. */
  readonly message: string;
  /** True when the request was refused because of it; false when the service would have taken it anyway. */
  readonly refused: boolean;
  /** The status answered, when refused. */
  readonly status?: number;
  /** Zero-based position of the offending event in the request, when one event is at fault. */
  readonly eventNumber?: number;
}

/** Which injected fault decided a request's fate. */
export type FaultKind = 'fail' | 'reset' | 'drop' | 'poison';

export interface FaultOptions {
  /** Default 503. The body is the one the service sends with that status. */
  status?: number;
  /** Adds `Retry-After: <seconds>`. */
  retryAfterSeconds?: number;
}

/** An answer: status, body and headers. */
export interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** A refused request: the answer, and the violation to record (unless an injected poison caused it). */
export interface Refusal {
  reply: Reply;
  code: string;
  message: string;
  /** Position of the first bad event, when one event is at fault. */
  position?: number;
}

/** A non-refusing observation made while parsing. */
export interface Note {
  code: string;
  message: string;
  position?: number;
}

export type Candidate<A extends AcceptedEvent> = Omit<A, 'requestIndex'>;

export interface Parsed<A extends AcceptedEvent> {
  /** Events in body order; when `refusal` has a position, the events before it. */
  events: Candidate<A>[];
  refusal?: Refusal;
  notes?: Note[];
}

/** How a data endpoint takes a request; `ingest` runs the steps in a fixed order. */
export interface Ingest<A extends AcceptedEvent> {
  /** Limit on the body before and after decoding. */
  maxBytes: number;
  /** `refuse` (default) answers `tooLarge`; `accept` records the violation and goes on. */
  oversize?: 'refuse' | 'accept';
  /** The answer to an oversize body. */
  tooLarge: Refusal;
  encodings: readonly ContentEncoding[];
  /** Authentication and other header checks, after faults and before the body is decoded. */
  authorize(): Refusal | undefined;
  parse(body: Buffer): Parsed<A>;
  /** The success answer; `dropped` when an injected drop swallowed the events. */
  success(accepted: A[], dropped: boolean): Reply;
  /** What the service answers to a malformed event at `position` (for `rejectEvents`). */
  poison(position: number): Reply;
}

/** A reply, or destroying the socket without answering. */
export type Answer = Reply | 'reset';

/** A request body as read from the socket, before Content-Encoding is undone. */
export interface RequestBody {
  bytes: Buffer;
  /** Bytes received on the wire (may exceed `bytes.length` when the cap cut buffering). */
  size: number;
  truncated: boolean;
}

interface FaultRule {
  kind: 'fail' | 'reset' | 'reset-after' | 'drop';
  remaining: number;
  until: number;
  status: number;
  retryAfterSeconds?: number;
}

interface Waiter {
  count: number;
  resolve: () => void;
}

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-sumo-token', 'cookie']);
export const REDACTED = '[REDACTED]';

const redactHeader = (name: string, value: string): string => {
  if (!SECRET_HEADERS.has(name)) return value;
  // Keep the scheme: "Splunk" vs "Basic" vs "Bearer" is what a test wants to see.
  const scheme = /^(\S+)\s+\S/.exec(value);
  return scheme && name.endsWith('authorization') ? `${scheme[1]} ${REDACTED}` : REDACTED;
};

const flatten = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join(', ') : value;

/**
 * One request as received. `path` and `headers` have secrets redacted (Authorization and token headers keep only
 * their scheme, tokens in paths or query strings are replaced), so printing a record never leaks a token;
 * `header(name)` reads the raw value.
 */
export class ReceivedRequest {
  readonly headers: Readonly<Record<string, string>>;
  /** Bytes on the wire. */
  wireBytes = 0;
  /** Body size after Content-Encoding decoding; undefined when it was not decoded. */
  bodyBytes: number | undefined = undefined;
  /** Status answered; undefined while pending, and for a reset or an aborted request. */
  status: number | undefined = undefined;
  /** `reset`: the receiver destroyed the socket; `aborted`: the client went away before sending the whole body. */
  outcome: 'pending' | 'answered' | 'reset' | 'aborted' = 'pending';
  /** The injected fault that decided the answer, if any. */
  fault: FaultKind | undefined = undefined;
  acceptedEvents = 0;
  readonly #raw: IncomingHttpHeaders;

  constructor(
    readonly index: number,
    readonly method: string,
    readonly path: string,
    headers: IncomingHttpHeaders,
    readonly receivedAt: number,
  ) {
    this.#raw = headers;
    const shown: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      const flat = flatten(value);
      if (flat !== undefined) shown[name] = redactHeader(name, flat);
    }
    this.headers = shown;
  }

  /** The raw, unredacted value of a header (lower- or mixed-case name). */
  header(name: string): string | undefined {
    return flatten(this.#raw[name.toLowerCase()]);
  }

  toString(): string {
    const answer = this.outcome === 'answered' ? String(this.status) : this.outcome;
    return `#${this.index} ${this.method} ${this.path} -> ${answer}${this.fault ? ` (${this.fault})` : ''}`;
  }
}

const positiveInteger = (name: string, value: number): void => {
  if (!Number.isInteger(value) || value < 1) {
    throw new RosterError('validation', 'invalid_receiver_fault', `${name} must be a positive integer, got ${value}`);
  }
};

const nonNegative = (name: string, value: number): void => {
  if (!Number.isFinite(value) || value < 0) {
    throw new RosterError(
      'validation',
      'invalid_receiver_fault',
      `${name} must be a non-negative number, got ${value}`,
    );
  }
};

export const jsonReply = (status: number, body: unknown, headers: Record<string, string> = {}): Reply => ({
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
});

export const textReply = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  body,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
});

/** The media type of a Content-Type value, lower-cased, without parameters. */
export const mediaType = (value: string | undefined): string | undefined =>
  value?.split(';')[0].trim().toLowerCase() || undefined;

export abstract class Receiver<A extends AcceptedEvent = AcceptedEvent> {
  /** Accepted log events in arrival order (empty when `retainEvents` is false). */
  readonly accepted: A[] = [];
  /** Every request received, in arrival order; `requests[i].index === i` until `clearRecords()`. */
  readonly requests: ReceivedRequest[] = [];
  readonly violations: Violation[] = [];
  /** Accepted events counted even when they are not retained. */
  acceptedCount = 0;
  /** Most requests in progress at once (from the first byte to the answer). */
  peakInFlight = 0;

  /** Requests in progress now (from the first byte to the answer). */
  protected inFlight = 0;
  /** What to do with the events before the first bad one of a refused request (see SplunkHecReceiver). */
  protected partial: 'reject-all' | 'accept-before-invalid' = 'reject-all';
  /** A body not fully received within this time is answered 408 (Sumo documents 30 s); undefined: no limit. */
  protected bodyTimeoutMs: number | undefined = undefined;

  private readonly server: Server;
  private readonly retainEvents: boolean;
  private port = 0;
  private listening = false;
  private closed = false;
  private nextIndex = 0;
  private faults: FaultRule[] = [];
  private slowMs = 0;
  private slowRemaining = 0;
  private poisonPredicate: ((event: A) => boolean) | undefined = undefined;
  private waiters: Waiter[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  protected constructor(
    options: ReceiverOptions,
    /** Bytes of a body kept in memory; anything larger is counted and discarded, then refused as too large. */
    private readonly bodyCapBytes: number,
  ) {
    this.retainEvents = options.retainEvents ?? true;
    this.server = createServer((req, res) => void this.onRequest(req, res));
  }

  /** Base URL, `http://127.0.0.1:<port>` (no trailing slash). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts listening (a random port the first time; the same port after `down()`). */
  async listen(): Promise<this> {
    if (this.closed) throw new RosterError('conflict', 'receiver_closed', 'The receiver was closed');
    if (this.listening) return this;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.listening = true;
    return this;
  }

  /** Stops listening and drops open connections: senders now get ECONNREFUSED. Records and faults are kept. */
  async down(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    // A few ms (an I/O poll) usually let a client in this process see its pooled keep-alive sockets close, so its
    // next request opens a new connection and meets ECONNREFUSED; under load it may still try a dead pooled socket
    // and get a socket error, as a real sender would when a server goes away.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Listens again on the same port after `down()`. */
  async up(): Promise<void> {
    await this.listen();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    // Pending waits are dropped, not rejected: a test that already failed would otherwise crash the run with an
    // unhandled rejection that hides its real failure.
    this.waiters = [];
    await this.down();
  }

  /** Resolves with the accepted events once at least `count` were accepted; rejects after `timeoutMs`. */
  waitForAccepted(count: number, timeoutMs = 5_000): Promise<A[]> {
    if (this.acceptedCount >= count) return Promise.resolve([...this.accepted]);
    return new Promise<A[]>((resolve, reject) => {
      const waiter: Waiter = {
        count,
        resolve: () => {
          clearTimeout(timer);
          this.timers.delete(timer);
          resolve([...this.accepted]);
        },
      };
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new RosterError(
            'unavailable',
            'receiver_wait_timeout',
            `Expected ${count} accepted events within ${timeoutMs} ms, got ${this.acceptedCount}. ${this.summary()}`,
            { retriable: false },
          ),
        );
      }, timeoutMs);
      this.timers.add(timer);
      this.waiters.push(waiter);
    });
  }

  /** `log_id`s of the accepted events in order (events without one are skipped). */
  logIds(): string[] {
    return this.accepted.flatMap((a) => (a.logId === undefined ? [] : [a.logId]));
  }

  /** `log_id`s accepted more than once, each listed once. */
  duplicateLogIds(): string[] {
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const id of this.logIds()) (seen.has(id) ? duplicates : seen).add(id);
    return [...duplicates];
  }

  /** Last requests and the violations, for assertion messages. Secrets are redacted. */
  summary(lastRequests = 10): string {
    const requests = this.requests.slice(-lastRequests).map(String).join('; ') || 'none';
    const violations = this.violations.map((v) => `#${v.requestIndex} ${v.code}: ${v.message}`).join('; ') || 'none';
    return `Requests: ${requests}. Violations: ${violations}.`;
  }

  /** The next `count` data requests are answered `status` (default 503) with the service's body for it. */
  failNext(count: number, fault: FaultOptions = {}): this {
    positiveInteger('count', count);
    return this.addFault({ kind: 'fail', remaining: count, until: Infinity, ...this.failure(fault) });
  }

  /** Every data request for the next `ms` milliseconds is answered `status` (default 503). */
  failFor(ms: number, fault: FaultOptions = {}): this {
    nonNegative('ms', ms);
    return this.addFault({ kind: 'fail', remaining: Infinity, until: Date.now() + ms, ...this.failure(fault) });
  }

  /**
   * 429 for the next `count` data requests or for `ms` milliseconds, with `Retry-After: <retryAfterSeconds>` when
   * given (Sumo documents no Retry-After: omit it to behave like Sumo).
   */
  rateLimit(window: { count: number } | { ms: number }, retryAfterSeconds?: number): this {
    if (retryAfterSeconds !== undefined) nonNegative('retryAfterSeconds', retryAfterSeconds);
    const fault = { status: 429, retryAfterSeconds };
    return 'count' in window ? this.failNext(window.count, fault) : this.failFor(window.ms, fault);
  }

  /**
   * Destroys the socket of the next `count` data requests without answering. By default nothing is accepted;
   * `afterAccepting` accepts the events first (the "delivered but the answer was lost" case behind duplicates).
   */
  resetNext(count: number, options: { afterAccepting?: boolean } = {}): this {
    positiveInteger('count', count);
    const kind = options.afterAccepting ? 'reset-after' : 'reset';
    return this.addFault({ kind, remaining: count, until: Infinity, status: 0 });
  }

  /**
   * The next `count` valid data requests get the success answer but nothing is accepted ("200 but dropped", like a
   * Sumo ingest budget; with Splunk acks the ackId is never acknowledged).
   */
  dropNext(count: number): this {
    positiveInteger('count', count);
    return this.addFault({ kind: 'drop', remaining: count, until: Infinity, status: 200 });
  }

  /** Delays the answer (or reset) of the next `count` requests (default: all, until `slow(0)`) by `ms`. */
  slow(ms: number, count = Infinity): this {
    nonNegative('ms', ms);
    if (count !== Infinity) positiveInteger('count', count);
    this.slowMs = ms;
    this.slowRemaining = ms === 0 ? 0 : count;
    return this;
  }

  /**
   * Events for which `predicate` holds are "poison": their request is refused as the service refuses a malformed
   * event. Recorded as fault `poison`, not as a violation. `undefined` clears it.
   */
  rejectEvents(predicate: ((event: A) => boolean) | undefined): this {
    this.poisonPredicate = predicate;
    return this;
  }

  /** Removes every injected fault (failures, resets, drops, slowness, poison). */
  clearFaults(): this {
    this.faults = [];
    this.slowMs = 0;
    this.slowRemaining = 0;
    this.poisonPredicate = undefined;
    return this;
  }

  /** Forgets accepted events, requests and violations; request indexes start again at 0. */
  clearRecords(): this {
    this.accepted.length = 0;
    this.requests.length = 0;
    this.violations.length = 0;
    this.acceptedCount = 0;
    this.peakInFlight = this.inFlight;
    this.nextIndex = 0;
    return this;
  }

  /** Routes one request whose body has been read. */
  protected abstract route(req: IncomingMessage, record: ReceivedRequest, body: RequestBody): Promise<Answer>;

  /** The service's answer for a status outside its protocol's own cases (404, 405, 413, 415, 408, faults...). */
  protected abstract errorReply(status: number, reason: string): Reply;

  /** The request path with any secret in it replaced by REDACTED. */
  protected redactPath(path: string): string {
    return path;
  }

  /** True while a time-window failure (failFor, rateLimit({ms})) is active: health checks report it. */
  protected failingNow(): boolean {
    const now = Date.now();
    return this.faults.some((f) => f.kind === 'fail' && f.until !== Infinity && f.until > now);
  }

  /** Records the violation and returns the refusal's reply. */
  protected refuse(record: ReceivedRequest, refusal: Refusal): Reply {
    this.violations.push({
      requestIndex: record.index,
      code: refusal.code,
      message: refusal.message,
      refused: true,
      status: refusal.reply.status,
      ...(refusal.position === undefined ? {} : { eventNumber: refusal.position }),
    });
    return refusal.reply;
  }

  /** A refusal worded by `errorReply`. */
  protected refusal(status: number, code: string, message: string): Refusal {
    return { reply: this.errorReply(status, message), code, message };
  }

  protected note(record: ReceivedRequest, note: Note): void {
    this.violations.push({
      requestIndex: record.index,
      code: note.code,
      message: note.message,
      refused: false,
      ...(note.position === undefined ? {} : { eventNumber: note.position }),
    });
  }

  /**
   * Undoes Content-Encoding within `maxBytes` (plus one, to detect oversize). Returns the bytes, `too_large`, or a
   * refusal (unsupported encoding 415, undecodable 400).
   */
  protected async decode(
    req: IncomingMessage,
    body: Buffer,
    encodings: readonly ContentEncoding[],
    maxBytes: number,
  ): Promise<Buffer | 'too_large' | Refusal> {
    const encoding = (flatten(req.headers['content-encoding']) ?? '').trim().toLowerCase();
    if (encoding === '' || encoding === 'identity') return body;
    if (!(encodings as readonly string[]).includes(encoding)) {
      return this.refusal(415, 'unsupported_encoding', `Content-Encoding "${encoding}" is not accepted here`);
    }
    const unzip = encoding === 'gzip' ? gunzipAsync : inflateAsync;
    try {
      return await unzip(body, { maxOutputLength: Math.max(1, maxBytes + 1) });
    } catch (error) {
      if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return 'too_large';
      return this.refusal(400, 'undecodable_body', `body is not valid ${encoding} data`);
    }
  }

  /**
   * A data request: faults, then `authorize`, size, decoding, parsing, poison, then acceptance. Faults come first
   * because a busy service answers before it looks at the request.
   */
  protected async ingest(
    req: IncomingMessage,
    record: ReceivedRequest,
    body: RequestBody,
    spec: Ingest<A>,
  ): Promise<Answer> {
    const fault = this.takeFault(['fail', 'reset']);
    if (fault) {
      record.fault = fault.kind === 'reset' ? 'reset' : 'fail';
      return fault.kind === 'reset' ? 'reset' : this.failureReply(fault);
    }
    const denied = spec.authorize();
    if (denied) return this.refuse(record, denied);

    if (body.truncated || body.size > spec.maxBytes) {
      if (body.truncated || spec.oversize !== 'accept') return this.refuse(record, spec.tooLarge);
      this.note(record, { code: spec.tooLarge.code, message: spec.tooLarge.message });
    }
    const decoded = await this.decode(
      req,
      body.bytes,
      spec.encodings,
      spec.oversize === 'accept' ? this.bodyCapBytes : spec.maxBytes,
    );
    if (decoded === 'too_large') return this.refuse(record, spec.tooLarge);
    if (!Buffer.isBuffer(decoded)) return this.refuse(record, decoded);
    record.bodyBytes = decoded.length;
    if (decoded.length > spec.maxBytes && body.size <= spec.maxBytes) {
      if (spec.oversize !== 'accept') return this.refuse(record, spec.tooLarge);
      this.note(record, { code: spec.tooLarge.code, message: `${spec.tooLarge.message} (after decoding)` });
    }

    const parsed = spec.parse(decoded);
    for (const note of parsed.notes ?? []) this.note(record, note);
    const events = parsed.events.map((candidate) => ({ ...candidate, requestIndex: record.index }) as A);
    const refusedAt = parsed.refusal?.position ?? (parsed.refusal ? 0 : events.length);
    const poisonAt = this.poisonPredicate ? events.slice(0, refusedAt).findIndex(this.poisonPredicate) : -1;
    if (poisonAt >= 0 || parsed.refusal) {
      const position = poisonAt >= 0 ? poisonAt : parsed.refusal?.position;
      if (this.partial === 'accept-before-invalid' && position !== undefined)
        this.accept(record, events.slice(0, position));
      if (poisonAt >= 0) {
        record.fault = 'poison';
        return spec.poison(poisonAt);
      }
      return this.refuse(record, parsed.refusal as Refusal);
    }

    const late = this.takeFault(['drop', 'reset-after']);
    if (late?.kind === 'drop') {
      record.fault = 'drop';
      return spec.success([], true);
    }
    this.accept(record, events);
    const reply = spec.success(events, false);
    if (late?.kind === 'reset-after') {
      record.fault = 'reset';
      return 'reset';
    }
    return reply;
  }

  private accept(record: ReceivedRequest, events: A[]): void {
    if (events.length === 0) return;
    if (this.retainEvents) this.accepted.push(...events);
    this.acceptedCount += events.length;
    record.acceptedEvents += events.length;
    const ready = this.waiters.filter((w) => this.acceptedCount >= w.count);
    this.waiters = this.waiters.filter((w) => this.acceptedCount < w.count);
    for (const waiter of ready) waiter.resolve();
  }

  private failure(fault: FaultOptions): Pick<FaultRule, 'status' | 'retryAfterSeconds'> {
    const status = fault.status ?? 503;
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new RosterError('validation', 'invalid_receiver_fault', `status must be an HTTP status, got ${status}`);
    }
    return { status, retryAfterSeconds: fault.retryAfterSeconds };
  }

  private addFault(rule: FaultRule): this {
    this.faults.push(rule);
    return this;
  }

  /** The oldest active rule of one of `kinds`, consumed; expired and used-up rules are dropped on the way. */
  private takeFault(kinds: FaultRule['kind'][]): FaultRule | undefined {
    const now = Date.now();
    this.faults = this.faults.filter((f) => f.remaining > 0 && f.until > now);
    const rule = this.faults.find((f) => kinds.includes(f.kind));
    if (rule) rule.remaining--;
    return rule;
  }

  private failureReply(rule: FaultRule): Reply {
    const reply = this.errorReply(rule.status, STATUS_CODES[rule.status] ?? 'Injected failure');
    if (rule.retryAfterSeconds === undefined) return reply;
    return { ...reply, headers: { ...reply.headers, 'retry-after': String(rule.retryAfterSeconds) } };
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const record = new ReceivedRequest(
      this.nextIndex++,
      req.method ?? 'GET',
      this.redactPath(path),
      req.headers,
      Date.now(),
    );
    this.requests.push(record);
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    try {
      const body = await this.readBody(req, record);
      if (body === 'aborted') {
        record.outcome = 'aborted';
        return;
      }
      let answer: Answer;
      if (body === 'timeout') {
        const timeout = this.refusal(408, 'request_timeout', `body not received within ${this.bodyTimeoutMs} ms`);
        answer = this.refuse(record, timeout);
        answer.headers = { ...answer.headers, connection: 'close' };
      } else {
        try {
          answer = await this.route(req, record, body);
        } catch (error) {
          // A bug in the receiver must fail the test that hit it, not pass as a service error.
          const message = error instanceof Error ? error.message : String(error);
          answer = this.refuse(record, this.refusal(500, 'receiver_error', `receiver failed: ${message}`));
        }
      }
      await this.delay();
      this.send(req, res, record, answer);
    } finally {
      this.inFlight--;
    }
  }

  private send(req: IncomingMessage, res: ServerResponse, record: ReceivedRequest, answer: Answer): void {
    if (answer === 'reset') {
      record.outcome = 'reset';
      req.socket.destroy();
      return;
    }
    record.status = answer.status;
    record.outcome = 'answered';
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  private delay(): Promise<void> {
    if (this.slowRemaining <= 0 || this.slowMs === 0) return Promise.resolve();
    this.slowRemaining--;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, this.slowMs);
      this.timers.add(timer);
    });
  }

  private readBody(req: IncomingMessage, record: ReceivedRequest): Promise<RequestBody | 'timeout' | 'aborted'> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let truncated = false;
      let settled = false;
      const settle = (result: RequestBody | 'timeout' | 'aborted'): void => {
        if (settled) return;
        settled = true;
        if (timer) {
          clearTimeout(timer);
          this.timers.delete(timer);
        }
        resolve(result);
      };
      const timer =
        this.bodyTimeoutMs === undefined ? undefined : setTimeout(() => settle('timeout'), this.bodyTimeoutMs);
      if (timer) this.timers.add(timer);
      req.on('data', (chunk: Buffer) => {
        record.wireBytes += chunk.length;
        // Past the cap the bytes are only counted, so an oversize body cannot exhaust memory.
        if (kept + chunk.length > this.bodyCapBytes) truncated = true;
        else {
          chunks.push(chunk);
          kept += chunk.length;
        }
      });
      req.on('end', () => settle({ bytes: Buffer.concat(chunks), size: record.wireBytes, truncated }));
      req.on('close', () => settle('aborted'));
      req.on('error', () => settle('aborted'));
    });
  }
}
