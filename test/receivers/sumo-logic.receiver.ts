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
  Refusal,
  Reply,
  RequestBody,
} from './receiver';

/**
 * A strict Sumo Logic HTTP Logs Source (reference/siem-sinks.md §2, §7): `POST /receiver/v1/http/<token>` (or
 * `/receiver/v1/http` with `x-sumo-token`), newline-delimited messages, gzip/deflate bodies, `X-Sumo-*` metadata.
 *
 * Documented: 401 for a missing or unknown token, 429 with Sumo's quota text, 408 when the body takes over 30 s.
 * Assumptions (Sumo documents no status for them): over 1 MB uncompressed → 413 (Sumo asks for "up to but not
 * exceeding 1MB" and states no hard limit: `oversize: 'accept'` takes it and still records the violation); wrong
 * method 405; unknown path 404; unsupported encoding 415; invalid UTF-8 or an undecodable body 400. The success answer
 * is 200 with an empty body.
 */

export interface SumoLogicReceiverOptions extends ReceiverOptions {
  /** Source codes accepted as `<token>` in the path or `x-sumo-token`. */
  tokens: readonly string[];
  /** Uncompressed bytes allowed per request. Default 1,000,000. */
  maxBytes?: number;
  /** Default 'refuse' (413 + violation); 'accept' ingests and records a non-refusing violation. */
  oversize?: 'refuse' | 'accept';
  /** Default ['gzip', 'deflate'] (zstd is in the newest doc but not in node 20's zlib: 415). */
  encodings?: readonly ContentEncoding[];
  /** Default 30,000 (408 after it). */
  bodyTimeoutMs?: number;
  /** Requests in progress at once before a non-refusing `too_many_connections` violation; default: no check. */
  maxInFlight?: number;
}

/** X-Sumo-* headers of the request that delivered an event. */
export interface SumoMetadata {
  category?: string;
  name?: string;
  host?: string;
  /** `X-Sumo-Fields` parsed (`k=v,k=v`). */
  fields?: Record<string, string>;
  client?: string;
}

export interface SumoAcceptedEvent extends AcceptedEvent {
  /** The line parsed as JSON, or the line itself when it is not JSON. */
  readonly event: unknown;
  readonly line: string;
  readonly metadata: SumoMetadata;
}

const SOURCE_PATH = /^\/receiver\/v1\/http(?:\/([^/]+))?\/?$/;
/** Generous cap for `oversize: 'accept'`, so a test can still send a body over the limit. */
const ACCEPT_OVERSIZE_CAP = 64 * 1024 * 1024;
const QUOTA_TEXT = 'You have temporarily exceeded your Sumo Logic quota. Please try again at a later time';

const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

export class SumoLogicReceiver extends Receiver<SumoAcceptedEvent> {
  private readonly tokens: Set<string>;
  private readonly maxBytes: number;

  constructor(private readonly options: SumoLogicReceiverOptions) {
    const maxBytes = options.maxBytes ?? 1_000_000;
    super(options, options.oversize === 'accept' ? Math.max(ACCEPT_OVERSIZE_CAP, maxBytes + 1) : maxBytes + 1);
    this.tokens = new Set(options.tokens);
    this.maxBytes = maxBytes;
    this.bodyTimeoutMs = options.bodyTimeoutMs ?? 30_000;
  }

  static start(options: SumoLogicReceiverOptions): Promise<SumoLogicReceiver> {
    return new SumoLogicReceiver(options).listen();
  }

  /** The source URL for `token`: `${url}/receiver/v1/http/<token>`. */
  sourceUrl(token: string): string {
    return `${this.url}/receiver/v1/http/${encodeURIComponent(token)}`;
  }

  protected override redactPath(path: string): string {
    return path.replace(/^(\/receiver\/v1\/http\/)[^/?]+/, `$1${REDACTED}`);
  }

  protected override errorReply(status: number, reason: string): Reply {
    return textReply(status, status === 429 ? QUOTA_TEXT : reason);
  }

  protected override async route(req: IncomingMessage, record: ReceivedRequest, body: RequestBody): Promise<Answer> {
    const url = new URL(req.url ?? '/', 'http://receiver');
    // Query parameters are ignored, as Sumo documents.
    const match = SOURCE_PATH.exec(url.pathname);
    if (!match) return this.refuse(record, this.refusal(404, 'not_found', `no HTTP source at ${url.pathname}`));
    if (record.method !== 'POST') {
      return this.refuse(record, this.refusal(405, 'method_not_allowed', 'an HTTP source takes POST only'));
    }
    if (this.options.maxInFlight !== undefined && this.inFlight > this.options.maxInFlight) {
      const message = `${this.inFlight} requests at once (Sumo advises one sender thread per source)`;
      this.note(record, { code: 'too_many_connections', message });
    }
    return this.ingest(req, record, body, {
      maxBytes: this.maxBytes,
      oversize: this.options.oversize,
      tooLarge: this.refusal(413, 'too_large', `request over ${this.maxBytes} bytes uncompressed`),
      encodings: this.options.encodings ?? ['gzip', 'deflate'],
      authorize: () => this.authorize(req, match[1]),
      parse: (bytes) => this.parse(bytes, this.metadata(req, record)),
      success: () => ({ status: 200, body: '' }),
      poison: (position) => this.errorReply(400, `event ${position} refused`),
    });
  }

  private authorize(req: IncomingMessage, pathToken: string | undefined): Refusal | undefined {
    const token = pathToken === undefined ? headerOf(req, 'x-sumo-token') : decodeURIComponent(pathToken);
    if (token === undefined) return this.refusal(401, 'token_required', 'no source code in the path or x-sumo-token');
    if (!this.tokens.has(token)) return this.refusal(401, 'invalid_token', 'unknown HTTP source code');
    return undefined;
  }

  /** X-Sumo-* headers; an `X-Sumo-Fields` that is not `k=v,k=v` is noted (Sumo drops such fields). */
  private metadata(req: IncomingMessage, record: ReceivedRequest): SumoMetadata {
    const metadata: SumoMetadata = {};
    const set = (key: 'category' | 'name' | 'host' | 'client', header: string): void => {
      const value = headerOf(req, header);
      if (value !== undefined) metadata[key] = value;
    };
    set('category', 'x-sumo-category');
    set('name', 'x-sumo-name');
    set('host', 'x-sumo-host');
    set('client', 'x-sumo-client');
    const fields = headerOf(req, 'x-sumo-fields');
    if (fields !== undefined) {
      const pairs = fields.split(',').map((pair) => pair.trim().split('='));
      if (pairs.every((pair) => pair.length === 2 && pair[0] !== '')) {
        metadata.fields = Object.fromEntries(pairs.map(([k, v]) => [k.trim(), v.trim()]));
      } else {
        this.note(record, { code: 'invalid_sumo_fields', message: 'X-Sumo-Fields is not a k=v,k=v list' });
      }
    }
    return metadata;
  }

  private parse(bytes: Buffer, metadata: SumoMetadata): Parsed<SumoAcceptedEvent> {
    const text = decodeUtf8(bytes);
    if (text === undefined) return { events: [], refusal: this.refusal(400, 'invalid_utf8', 'body is not UTF-8') };
    const lines = splitLines(text);
    const notes: Note[] = lines.length === 0 ? [{ code: 'empty_request', message: 'request carries no log line' }] : [];
    const events = lines.map(({ position, text: line }) => {
      const event = parseJsonOrText(line);
      return { position, event, logId: logIdOf(event), line, metadata };
    });
    return { events, notes };
  }
}
