/**
 * Body parsing shared by the receivers: UTF-8 decoding that refuses invalid bytes, newline framing, Splunk's
 * concatenated JSON envelopes, and finding an Auth0 `log_id` inside a delivered event.
 */

export type JsonObject = Record<string, unknown>;

export const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The text of a body, or undefined when it is not valid UTF-8 (all three services document UTF-8 only). */
export const decodeUtf8 = (bytes: Buffer): string | undefined => {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
};

export interface Line {
  /** Zero-based among the non-blank lines: the event's position in the request. */
  position: number;
  text: string;
}

/**
 * Newline framing (Sumo, Loggly bulk, JSONLINES): one event per line, a trailing `\r` removed, blank lines skipped so
 * a trailing newline does not count as an event.
 */
export const splitLines = (text: string): Line[] =>
  text
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter((line) => line.trim() !== '')
    .map((line, position) => ({ position, text: line }));

/** A line is a log event in JSON when it parses; otherwise the service indexes it as plain text. */
export const parseJsonOrText = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * The Auth0 `log_id` a delivered event carries: the log itself (`{log_id, ...}`), a webhook-style element
 * (`{log_id, data}` or `{data: {log_id}}`), or the legacy Splunk extension's `{message: <log>}` wrapper.
 */
export const logIdOf = (event: unknown): string | undefined => {
  if (!isJsonObject(event)) return undefined;
  for (const candidate of [event, event.data, event.message]) {
    if (isJsonObject(candidate) && typeof candidate.log_id === 'string') return candidate.log_id;
  }
  return undefined;
};

export type ConcatenatedItem =
  { ok: true; position: number; value: unknown; text: string } | { ok: false; position: number; reason: string };

const isJsonWhitespace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * The index just past the closing quote of the JSON string whose opening quote is at `open`, or -1 if it is not
 * closed. Jumps from quote to quote: a quote after an odd run of backslashes is escaped. (Scanning character by
 * character made this receiver, not the exporter, what the Kafka export benchmark measured: 9 ms per 800 events.)
 */
const endOfString = (text: string, open: number): number => {
  for (let quote = text.indexOf('"', open + 1); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
  }
  return -1;
};

/**
 * Splits a HEC body into its envelopes: JSON objects written one after the other, with nothing or JSON whitespace
 * between them. Yields each envelope in order and stops at the first that is not a complete JSON object, so the
 * caller can report its zero-based position (`invalid-event-number`).
 */
export function* concatenatedJsonObjects(text: string): Generator<ConcatenatedItem> {
  let i = 0;
  for (let position = 0; ; position++) {
    while (i < text.length && isJsonWhitespace(text.charCodeAt(i))) i++;
    if (i >= text.length) return;
    if (text[i] !== '{') {
      const reason = text[i] === '[' ? 'a JSON array is not a HEC envelope' : `expected '{' at offset ${i}`;
      yield { ok: false, position, reason };
      return;
    }
    const start = i;
    let depth = 0;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        const end = endOfString(text, i);
        i = end === -1 ? text.length : end;
        continue;
      }
      i++;
      // Brackets outside strings: { and [ open, } and ] close.
      if (c === 0x7b || c === 0x5b) depth++;
      else if ((c === 0x7d || c === 0x5d) && --depth === 0) break;
    }
    const slice = text.slice(start, i);
    if (depth !== 0) {
      yield { ok: false, position, reason: 'envelope is not terminated' };
      return;
    }
    try {
      yield { ok: true, position, value: JSON.parse(slice), text: slice };
    } catch {
      // Brackets balance but the content is not JSON (e.g. a missing comma or a mismatched bracket).
      yield { ok: false, position, reason: 'envelope is not valid JSON' };
      return;
    }
  }
}
