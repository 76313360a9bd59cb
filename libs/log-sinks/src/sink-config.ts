import { isIPv4, isIPv6 } from 'net';
import {
  checkFields,
  isPlainObject,
  payloadViolation,
  quote,
  urlProblem,
  type FieldSpec,
  type UrlPolicy,
  type Violation,
} from '@roster/registry-domain';

/**
 * Log stream sink settings (Auth0's `/api/v2/log-streams` `sink` object, reference/auth0-domain.md §8.1), their
 * validation as data (one field table per stream type, checked by `checkSinkConfig`), and secret masking for API
 * answers. Roster extension: `splunkDomain` may start with `http://` or `https://` (on-premises HEC without TLS).
 */

export const SINK_TYPES = ['splunk', 'sumo', 'http', 'loggly'] as const;
export type SinkType = (typeof SINK_TYPES)[number];

export const HTTP_CONTENT_FORMATS = ['JSONARRAY', 'JSONLINES', 'JSONOBJECT'] as const;
export type HttpContentFormat = (typeof HTTP_CONTENT_FORMATS)[number];

export interface SplunkSink {
  /** Host name or IP; may carry an explicit `http://` / `https://` prefix (none: https). No port, no path. */
  splunkDomain: string;
  /** Default "8088". */
  splunkPort?: string;
  /** HEC token. */
  splunkToken: string;
  /** Verify the server's TLS certificate (false: accept self-signed certificates). */
  splunkSecure: boolean;
}

export interface SumoSink {
  /** The HTTP Logs Source URL; its last path segment is the source's secret code. */
  sumoSourceAddress: string;
}

export interface HttpCustomHeader {
  header: string;
  value: string;
}

export interface HttpSink {
  httpEndpoint: string;
  httpContentFormat: HttpContentFormat;
  /** Default application/json. */
  httpContentType?: string;
  /** Sent verbatim as `Authorization`. */
  httpAuthorization?: string;
  httpCustomHeaders?: HttpCustomHeader[];
}

export interface LogglySink {
  /** Customer token (a path segment of the bulk URL). */
  logglyToken: string;
  logglyTags?: string[];
  /** Base URL of the bulk endpoint, default https://logs-01.loggly.com. */
  logglyEndpoint?: string;
}

export interface SinkSettings {
  splunk: SplunkSink;
  sumo: SumoSink;
  http: HttpSink;
  loggly: LogglySink;
}

export type SinkConfig = { [T in SinkType]: { readonly type: T; readonly sink: SinkSettings[T] } }[SinkType];

export const SINK_DEFAULTS = {
  splunkPort: '8088',
  httpContentType: 'application/json',
  logglyEndpoint: 'https://logs-01.loggly.com',
} as const;

/** Checks that need more than the value's shape, run after it (see `VALUE_CHECKS`). */
export type SinkValueCheck = 'endpoint-url' | 'base-url' | 'splunk-domain' | 'port';

export interface SinkFieldSpec extends FieldSpec {
  readonly check?: SinkValueCheck;
}

type SinkFieldTable<T extends SinkType> = { readonly [K in keyof SinkSettings[T]]-?: SinkFieldSpec };

/** RFC 9110 `token`: what a header name may be made of. */
const HEADER_NAME = { regex: /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, text: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" };
/** Printable ASCII without spaces: a token that goes into a header or a URL path as is. */
const VISIBLE_ASCII = { regex: /^[!-~]+$/, text: '^[!-~]+$' };
const LOGGLY_TOKEN = { regex: /^[A-Za-z0-9_-]+$/, text: '^[A-Za-z0-9_-]+$' };
/** Loggly's tag rule (reference/siem-sinks.md §3.2). */
const LOGGLY_TAG = { regex: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, text: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' };
const MEDIA_TYPE = {
  regex: /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;.*)?$/,
  text: 'type/subtype[; parameters]',
};
const URL_LENGTH = 2048;

export const SINK_FIELDS: { readonly [T in SinkType]: SinkFieldTable<T> } = {
  splunk: {
    splunkDomain: {
      rule: { type: 'string', minLength: 1, maxLength: 253 + 'https://'.length },
      requiredOnCreate: true,
      check: 'splunk-domain',
    },
    splunkPort: {
      rule: { type: 'string', pattern: { regex: /^\d{1,5}$/, text: '^[0-9]{1,5}$' }, maxLength: 5 },
      check: 'port',
    },
    splunkToken: {
      rule: { type: 'string', minLength: 1, maxLength: 256, pattern: VISIBLE_ASCII },
      requiredOnCreate: true,
    },
    splunkSecure: { rule: { type: 'boolean' }, requiredOnCreate: true },
  },
  sumo: {
    sumoSourceAddress: {
      rule: { type: 'string', minLength: 1, maxLength: URL_LENGTH },
      requiredOnCreate: true,
      check: 'endpoint-url',
    },
  },
  http: {
    httpEndpoint: {
      rule: { type: 'string', minLength: 1, maxLength: URL_LENGTH },
      requiredOnCreate: true,
      check: 'endpoint-url',
    },
    httpContentFormat: { rule: { type: 'enum', values: HTTP_CONTENT_FORMATS }, requiredOnCreate: true },
    httpContentType: { rule: { type: 'string', minLength: 1, maxLength: 255, pattern: MEDIA_TYPE } },
    httpAuthorization: { rule: { type: 'string', minLength: 1, maxLength: 4096 } },
    httpCustomHeaders: {
      rule: {
        type: 'array',
        maxItems: 20,
        items: {
          type: 'object',
          required: ['header', 'value'],
          fields: {
            header: { rule: { type: 'string', minLength: 1, maxLength: 256, pattern: HEADER_NAME } },
            value: { rule: { type: 'string', maxLength: 4096 } },
          },
        },
      },
    },
  },
  loggly: {
    logglyToken: {
      rule: { type: 'string', minLength: 1, maxLength: 128, pattern: LOGGLY_TOKEN },
      requiredOnCreate: true,
    },
    logglyTags: {
      rule: {
        type: 'array',
        maxItems: 10,
        uniqueItems: true,
        items: { type: 'string', maxLength: 64, pattern: LOGGLY_TAG },
      },
    },
    logglyEndpoint: { rule: { type: 'string', minLength: 1, maxLength: URL_LENGTH }, check: 'base-url' },
  },
};

/**
 * Headers a stream may not set itself: framing and connection headers belong to the HTTP client, and Content-Type /
 * Authorization have their own sink fields (two sources for one header would be ambiguous).
 */
export const RESERVED_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'use httpContentType',
  authorization: 'use httpAuthorization',
  'content-length': 'it is set by the sender',
  'content-encoding': 'it is set by the sender',
  'transfer-encoding': 'it is set by the sender',
  host: 'it is set by the sender',
  connection: 'it is set by the sender',
  'keep-alive': 'it is set by the sender',
  upgrade: 'it is set by the sender',
  te: 'it is set by the sender',
  trailer: 'it is set by the sender',
  expect: 'it is set by the sender',
};

/** Sink fields that hold secrets (httpCustomHeaders: the values, not the names). */
export const SECRET_SINK_FIELDS = {
  splunk: ['splunkToken'],
  sumo: ['sumoSourceAddress'],
  http: ['httpAuthorization', 'httpCustomHeaders'],
  loggly: ['logglyToken'],
} as const satisfies { readonly [T in SinkType]: readonly (keyof SinkSettings[T])[] };

/** https only, except for loopback hosts (local receivers, tests); never credentials, fragments or other schemes. */
const ENDPOINT_POLICY: UrlPolicy = { web: 'web', customScheme: false, wildcard: false };

const SPLUNK_DOMAIN = /^(?:https?:\/\/)?(.*)$/i;
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const isHost = (host: string): boolean =>
  host.startsWith('[') ? host.endsWith(']') && isIPv6(host.slice(1, -1)) : isIPv4(host) || HOST_NAME.test(host);

/** Why a value breaks its check, or null. Messages never quote the value (it may be a secret URL). */
const VALUE_CHECKS: Record<SinkValueCheck, (value: string) => string | null> = {
  'endpoint-url': (value) => urlProblem(value, ENDPOINT_POLICY),
  'base-url': (value) => {
    const problem = urlProblem(value, ENDPOINT_POLICY);
    if (problem) return problem;
    return new URL(value).search === '' ? null : 'URL must not contain a query string';
  },
  'splunk-domain': (value) =>
    isHost(SPLUNK_DOMAIN.exec(value)?.[1] ?? '')
      ? null
      : 'Must be a host name or IP address, optionally prefixed with http:// or https://, without port or path',
  port: (value) => (Number(value) >= 1 && Number(value) <= 65535 ? null : 'Port must be between 1 and 65535'),
};

const at = (path: string): string => `sink.${path}`;

const checkValues = (sink: Record<string, unknown>, table: Readonly<Record<string, SinkFieldSpec>>): Violation[] =>
  Object.entries(table).flatMap(([key, spec]) => {
    const value = sink[key];
    const problem = spec.check && typeof value === 'string' ? VALUE_CHECKS[spec.check](value) : null;
    return problem ? [payloadViolation(at(key), problem)] : [];
  });

const checkCustomHeaders = (headers: unknown): Violation[] => {
  if (!Array.isArray(headers)) return [];
  const seen = new Map<string, number>();
  return headers.flatMap((item: { header?: unknown }, i) => {
    if (typeof item?.header !== 'string') return [];
    const name = item.header.toLowerCase();
    const path = at(`httpCustomHeaders[${i}].header`);
    const reserved = RESERVED_HEADERS[name];
    if (reserved) return [payloadViolation(path, `Header ${quote(item.header)} cannot be set here: ${reserved}`)];
    const first = seen.get(name);
    seen.set(name, first ?? i);
    return first === undefined ? [] : [payloadViolation(path, `Header ${quote(item.header)} repeats item ${first}`)];
  });
};

export const isSinkType = (type: unknown): type is SinkType => SINK_TYPES.includes(type as SinkType);

/**
 * Every problem with a stream's `type` and `sink`, as Auth0-style messages (`Payload validation error: '...' on
 * property sink.<field>`); empty when valid. `create` requires the mandatory fields; `update` checks a partial sink
 * (check the merged sink with `create` before using it). Messages never contain a field's value.
 */
export const checkSinkConfig = (type: string, sink: unknown, mode: 'create' | 'update'): string[] => {
  if (!isSinkType(type)) return [payloadViolation('type', `No enum match for: ${quote(type)}`).message];
  const table: Readonly<Record<string, SinkFieldSpec>> = SINK_FIELDS[type];
  const shape = checkFields(sink, table, { mode }, 'sink');
  // Value checks only on a well-shaped sink: a wrong type is one message, not two.
  if (shape.length > 0 || !isPlainObject(sink)) return shape.map((v) => v.message);
  return [...checkValues(sink, table), ...checkCustomHeaders(sink.httpCustomHeaders)].map((v) => v.message);
};

const MASK = '****';

/** `****` and the last 4 characters; a short secret is masked whole (4 characters would be too much of it). */
export const maskSecret = (secret: string): string => (secret.length >= 12 ? `${MASK}${secret.slice(-4)}` : MASK);

/** Scheme and host of a URL whose path is the secret (Sumo's source address), then `/****`. */
const maskUrlPath = (address: string): string => {
  try {
    const url = new URL(address);
    return `${url.protocol}//${url.host}/${MASK}`;
  } catch {
    return MASK;
  }
};

const maskers: Record<string, (value: unknown) => unknown> = {
  sumoSourceAddress: (value) => (typeof value === 'string' ? maskUrlPath(value) : MASK),
  httpCustomHeaders: (value) =>
    Array.isArray(value)
      ? value.map((item: unknown) =>
          isPlainObject(item)
            ? { ...item, value: typeof item.value === 'string' ? maskSecret(item.value) : MASK }
            : item,
        )
      : value,
};

/** A copy of `sink` fit for an API answer: every secret field masked (SECRET_SINK_FIELDS). */
export const maskSink = <T extends SinkType>(type: T, sink: SinkSettings[T]): SinkSettings[T] => {
  const masked: Record<string, unknown> = { ...sink };
  for (const field of SECRET_SINK_FIELDS[type] as readonly string[]) {
    if (!Object.hasOwn(masked, field) || masked[field] === undefined) continue;
    const value = masked[field];
    masked[field] = (maskers[field] ?? ((v: unknown) => (typeof v === 'string' ? maskSecret(v) : MASK)))(value);
  }
  return masked as unknown as SinkSettings[T];
};
