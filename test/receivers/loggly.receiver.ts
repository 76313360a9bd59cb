import type { IncomingMessage } from 'http';
import { decodeUtf8, logIdOf, parseJsonOrText, splitLines } from './payload';
import { REDACTED, Receiver, textReply } from './receiver';
import type {
  AcceptedEvent,
  Answer,
  ContentEncoding,
  Note,
  Parsed,
  ReceivedRequest,
  ReceiverOptions,
  Reply,
  RequestBody,
} from './receiver';

/**
 * A strict Loggly HTTP/S receiver (reference/siem-sinks.md §3, §7): `POST /bulk/<token>/tag/<tags>/` (newline-separated
 * events, 5 MB per request, 1 MB per event) and `POST /inputs/<token>/tag/<tags>/` (the whole body is one event, which
 * may span lines); the `tag/<tags>/` segment is optional. Tags come from the path and `X-LOGGLY-TAG`.
 * Success: 200 `{"response" : "ok"}`, byte for byte as Loggly's docs show it.
 *
 * Assumptions (Loggly documents no ingestion errors): unknown token 403, oversize 413 (the violation names the event),
 * wrong method 405, unknown path 404, Content-Encoding refused with 415 unless listed in `encodings` (Loggly's docs do
 * not mention compression). A tag outside `[A-Za-z0-9][A-Za-z0-9._-]{0,63}` is noted, not refused.
 */

export interface LogglyReceiverOptions extends ReceiverOptions {
  /** Customer tokens accepted. */
  tokens: readonly string[];
  /** Default 1,000,000. */
  maxEventBytes?: number;
  /** Default 5,000,000. */
  maxBulkBytes?: number;
  /** Default [] (identity only). */
  encodings?: readonly ContentEncoding[];
}

export interface LogglyAcceptedEvent extends AcceptedEvent {
  /** The line (bulk) or body (inputs) parsed as JSON, or the text itself when it is not JSON. */
  readonly event: unknown;
  readonly line: string;
  /** Path tags ∪ X-LOGGLY-TAG, in that order, without repeats. */
  readonly tags: readonly string[];
  readonly endpoint: 'bulk' | 'inputs';
}

const LOGGLY_PATH = /^\/(bulk|inputs)\/([^/]+)(?:\/tag\/([^/]+))?\/?$/;
const TAG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const OK = '{"response" : "ok"}';

const splitTags = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);

export class LogglyReceiver extends Receiver<LogglyAcceptedEvent> {
  private readonly tokens: Set<string>;
  private readonly maxEventBytes: number;
  private readonly maxBulkBytes: number;

  constructor(private readonly options: LogglyReceiverOptions) {
    const maxBulkBytes = options.maxBulkBytes ?? 5_000_000;
    super(options, maxBulkBytes + 1);
    this.tokens = new Set(options.tokens);
    this.maxEventBytes = options.maxEventBytes ?? 1_000_000;
    this.maxBulkBytes = maxBulkBytes;
  }

  static start(options: LogglyReceiverOptions): Promise<LogglyReceiver> {
    return new LogglyReceiver(options).listen();
  }

  /** `${url}/bulk/<token>/tag/<tags>/`, or without the tag segment when `tags` is empty. */
  bulkUrl(token: string, tags: readonly string[] = []): string {
    const tagPart = tags.length ? `tag/${tags.map(encodeURIComponent).join(',')}/` : '';
    return `${this.url}/bulk/${encodeURIComponent(token)}/${tagPart}`;
  }

  protected override redactPath(path: string): string {
    return path.replace(/^(\/(?:bulk|inputs)\/)[^/?]+/, `$1${REDACTED}`);
  }

  protected override errorReply(status: number, reason: string): Reply {
    return textReply(status, reason);
  }

  protected override async route(req: IncomingMessage, record: ReceivedRequest, body: RequestBody): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const match = LOGGLY_PATH.exec(url.pathname);
    if (!match) return this.refuse(record, this.refusal(404, 'not_found', `no Loggly endpoint at ${url.pathname}`));
    if (record.method !== 'POST') {
      return this.refuse(record, this.refusal(405, 'method_not_allowed', 'event endpoints take POST'));
    }
    const [, kind, token, pathTags] = match;
    const endpoint = kind as 'bulk' | 'inputs';
    const maxBytes = endpoint === 'bulk' ? this.maxBulkBytes : this.maxEventBytes;
    const tags = [...new Set([...splitTags(pathTags && decodeURIComponent(pathTags)), ...this.headerTags(req)])];
    for (const tag of tags.filter((t) => !TAG.test(t))) {
      this.note(record, { code: 'invalid_tag', message: `tag "${tag}" breaks Loggly's tag rules` });
    }
    return this.ingest(req, record, body, {
      maxBytes,
      tooLarge: this.refusal(413, 'too_large', `${endpoint} request over ${maxBytes} bytes`),
      encodings: this.options.encodings ?? [],
      authorize: () =>
        this.tokens.has(decodeURIComponent(token))
          ? undefined
          : this.refusal(403, 'invalid_token', 'unknown customer token'),
      parse: (bytes) => this.parse(bytes, endpoint, tags),
      success: () => ({ status: 200, body: OK, headers: { 'content-type': 'application/json' } }),
      poison: (position) => this.errorReply(400, `event ${position} refused`),
    });
  }

  private headerTags(req: IncomingMessage): string[] {
    const value = req.headers['x-loggly-tag'];
    return splitTags(Array.isArray(value) ? value.join(',') : value);
  }

  private parse(bytes: Buffer, endpoint: 'bulk' | 'inputs', tags: string[]): Parsed<LogglyAcceptedEvent> {
    const text = decodeUtf8(bytes);
    if (text === undefined) return { events: [], refusal: this.refusal(400, 'invalid_utf8', 'body is not UTF-8') };
    const lines = endpoint === 'bulk' ? splitLines(text) : text.trim() ? [{ position: 0, text }] : [];
    const notes: Note[] = lines.length === 0 ? [{ code: 'empty_request', message: 'request carries no event' }] : [];
    const events = [];
    for (const { position, text: line } of lines) {
      if (Buffer.byteLength(line) > this.maxEventBytes) {
        const message = `event ${position} is over ${this.maxEventBytes} bytes`;
        return { events, notes, refusal: { ...this.refusal(413, 'event_too_large', message), position } };
      }
      const event = parseJsonOrText(line);
      events.push({ position, event, logId: logIdOf(event), line, tags, endpoint });
    }
    return { events, notes };
  }
}
