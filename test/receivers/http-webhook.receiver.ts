import type { IncomingMessage } from 'http';
import { decodeUtf8, isJsonObject, splitLines } from './payload';
import { mediaType, Receiver, textReply } from './receiver';
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
 * A strict receiver for Auth0's custom webhook log stream (reference/auth0-domain.md §8.1): POSTs to one path, an
 * optional exact `Authorization` value, and a body in the stream's content format, each element
 * `{"log_id": "...", "data": {<log event>}}`:
 * - JSONARRAY: `[<element>, ...]`;
 * - JSONLINES: one element per line;
 * - JSONOBJECT: `{"logs": [<element>, ...]}` (the shape observed by third parties; Auth0's docs do not show it).
 *
 * The answer is the webhook owner's choice: 200 with an empty body on success, 401 for a wrong Authorization, 415 for a
 * Content-Type other than `contentType`, 400 for anything malformed (the violation names the element), 404 / 405 for
 * another path or method. An element whose `data.log_id` differs from its `log_id` is malformed.
 */

export type Auth0ContentFormat = 'JSONARRAY' | 'JSONLINES' | 'JSONOBJECT';

export interface HttpWebhookReceiverOptions extends ReceiverOptions {
  format: Auth0ContentFormat;
  /** Default '/'. */
  path?: string;
  /** When set, the exact `Authorization` value required (the stream's `httpAuthorization`). */
  authorization?: string;
  /** When set, the media type `Content-Type` must have (the stream's `httpContentType`), e.g. 'application/json'. */
  contentType?: string;
  /** Custom headers (`httpCustomHeaders`) that must be present with these values; names are case-insensitive. */
  requiredHeaders?: Readonly<Record<string, string>>;
  /** Default 10 MiB (Auth0 documents no batch size). */
  maxBytes?: number;
  /** Default [] (Auth0 does not compress). */
  encodings?: readonly ContentEncoding[];
}

/** One element of an Auth0 log stream delivery. */
export interface Auth0LogElement {
  log_id: string;
  data: Record<string, unknown>;
}

export interface WebhookAcceptedEvent extends AcceptedEvent {
  /** The element's `data`: the Auth0 log event. */
  readonly event: Record<string, unknown>;
  /** The element's `log_id`. */
  readonly logId: string;
  readonly element: Auth0LogElement;
}

type Item = { position: number; value: unknown } | { position: number; error: string };

export class HttpWebhookReceiver extends Receiver<WebhookAcceptedEvent> {
  private readonly path: string;
  private readonly maxBytes: number;

  constructor(private readonly options: HttpWebhookReceiverOptions) {
    const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
    super(options, maxBytes + 1);
    this.path = options.path ?? '/';
    this.maxBytes = maxBytes;
  }

  static start(options: HttpWebhookReceiverOptions): Promise<HttpWebhookReceiver> {
    return new HttpWebhookReceiver(options).listen();
  }

  /** The payload URL: `${url}${path}`. */
  get endpointUrl(): string {
    return `${this.url}${this.path}`;
  }

  protected override errorReply(status: number, reason: string): Reply {
    return textReply(status, reason);
  }

  protected override async route(req: IncomingMessage, record: ReceivedRequest, body: RequestBody): Promise<Answer> {
    const pathname = new URL(req.url ?? '/', 'http://receiver').pathname;
    if (pathname !== this.path) return this.refuse(record, this.refusal(404, 'not_found', `nothing at ${pathname}`));
    if (record.method !== 'POST') {
      return this.refuse(record, this.refusal(405, 'method_not_allowed', 'the webhook takes POST'));
    }
    return this.ingest(req, record, body, {
      maxBytes: this.maxBytes,
      tooLarge: this.refusal(413, 'too_large', `request over ${this.maxBytes} bytes`),
      encodings: this.options.encodings ?? [],
      authorize: () => this.authorize(record),
      parse: (bytes) => this.parse(bytes),
      success: () => ({ status: 200, body: '' }),
      poison: (position) => this.errorReply(400, `element ${position} refused`),
    });
  }

  private authorize(record: ReceivedRequest): Refusal | undefined {
    const { authorization, contentType, requiredHeaders = {} } = this.options;
    if (authorization !== undefined && record.header('authorization') !== authorization) {
      const why = record.header('authorization') === undefined ? 'is missing' : 'does not match';
      return this.refusal(401, 'unauthorized', `Authorization ${why}`);
    }
    if (contentType !== undefined && mediaType(record.header('content-type')) !== mediaType(contentType)) {
      const message = `Content-Type is ${record.header('content-type') ?? 'missing'}, expected ${contentType}`;
      return this.refusal(415, 'wrong_content_type', message);
    }
    for (const [name, value] of Object.entries(requiredHeaders)) {
      if (record.header(name) !== value) {
        return this.refusal(400, 'missing_custom_header', `custom header ${name} is missing or has another value`);
      }
    }
    return undefined;
  }

  private parse(bytes: Buffer): Parsed<WebhookAcceptedEvent> {
    const text = decodeUtf8(bytes);
    if (text === undefined) return { events: [], refusal: this.refusal(400, 'invalid_utf8', 'body is not UTF-8') };
    const items = this.items(text);
    if (!Array.isArray(items)) return { events: [], refusal: items };
    const notes: Note[] = items.length === 0 ? [{ code: 'empty_request', message: 'delivery carries no log' }] : [];
    const events: Candidate<WebhookAcceptedEvent>[] = [];
    for (const item of items) {
      const error = 'error' in item ? item.error : this.elementError(item.value);
      if (error !== undefined) {
        const refusal = this.refusal(400, 'malformed_element', `element ${item.position}: ${error}`);
        return { events, notes, refusal: { ...refusal, position: item.position } };
      }
      const element = (item as { value: Auth0LogElement }).value;
      events.push({ position: item.position, event: element.data, logId: element.log_id, element });
    }
    return { events, notes };
  }

  /** The body split into elements per content format, or a refusal when the framing itself is wrong. */
  private items(text: string): Item[] | Refusal {
    const format = this.options.format;
    if (format === 'JSONLINES') {
      return splitLines(text).map(({ position, text: line }) => {
        try {
          return { position, value: JSON.parse(line) as unknown };
        } catch {
          return { position, error: 'line is not JSON' };
        }
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return this.refusal(400, 'malformed', `body is not JSON (content format ${format})`);
    }
    const list = format === 'JSONARRAY' ? body : isJsonObject(body) ? body.logs : undefined;
    if (!Array.isArray(list)) {
      const expected = format === 'JSONARRAY' ? 'a JSON array' : 'an object {"logs": [...]}';
      return this.refusal(400, 'malformed', `body is not ${expected} (content format ${format})`);
    }
    return list.map((value: unknown, position) => ({ position, value }));
  }

  private elementError(value: unknown): string | undefined {
    if (!isJsonObject(value)) return 'not an object';
    if (typeof value.log_id !== 'string' || value.log_id === '') return 'log_id is missing or not a string';
    if (!isJsonObject(value.data)) return 'data is missing or not an object';
    if (value.data.log_id !== undefined && value.data.log_id !== value.log_id) return 'data.log_id differs from log_id';
    return undefined;
  }
}
