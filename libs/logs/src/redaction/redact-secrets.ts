/**
 * What a log event's `details` must never hold, as data: property names whose values are secrets or credentials,
 * wherever they appear in a request or response body. Matching is on the exact name, case-insensitively, so
 * `token_endpoint_auth_method` stays readable while `token` and `client_secret` do not.
 */
const SECRET_PROPERTIES = new Set(
  [
    // OAuth and the registry
    'client_secret',
    'secret',
    'password',
    'client_assertion',
    'registration_access_token',
    'initial_access_token',
    'access_token',
    'refresh_token',
    'id_token',
    'token',
    'private_key',
    'privateKey',
    'key',
    // HTTP
    'authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'x-api-key',
    'api_key',
    'apiKey',
    // log stream sinks (an HTTP source address of Sumo Logic embeds its token)
    'splunkToken',
    'sumoSourceAddress',
    'httpAuthorization',
    'logglyToken',
    'customerToken',
  ].map((name) => name.toLowerCase()),
);

/** Properties whose every nested `value` is a secret: custom HTTP headers are `{header, value}` pairs. */
const SECRET_VALUE_LISTS = new Set(['httpcustomheaders']);

export const REDACTED = 'REDACTED';

/** Credentials inside free text: `Bearer …`, `Basic …`, `Splunk …` authorization values. */
const CREDENTIAL_IN_TEXT = /\b(Bearer|Basic|Splunk)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/**
 * A deep copy of a JSON value with every secret replaced by `"REDACTED"` (Auth0's own marker in `sapi` details).
 * Null and absent values stay as they are: that a secret was not given is not a secret.
 */
export const redactSecrets = (value: unknown): unknown => redact(value, false);

const redact = (value: unknown, secret: boolean): unknown => {
  if (value === null || value === undefined) return value;
  if (secret) return REDACTED;
  if (typeof value === 'string') return value.replace(CREDENTIAL_IN_TEXT, `$1 ${REDACTED}`);
  if (Array.isArray(value)) return value.map((item) => redact(item, false));
  if (typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const name = key.toLowerCase();
    out[key] = SECRET_VALUE_LISTS.has(name) ? redactValues(item) : redact(item, SECRET_PROPERTIES.has(name));
  }
  return out;
};

/** `[{header, value}]` → the same with every `value` redacted. */
const redactValues = (list: unknown): unknown =>
  Array.isArray(list)
    ? list.map((item) =>
        item !== null && typeof item === 'object' && !Array.isArray(item)
          ? { ...(redact(item, false) as object), ...('value' in item ? { value: REDACTED } : {}) }
          : REDACTED,
      )
    : redact(list, true);
