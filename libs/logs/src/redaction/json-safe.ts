/** NUL and unpaired UTF-16 surrogates: valid in a JS string, refused by PostgreSQL's jsonb (and by many SIEMs). */
// eslint-disable-next-line no-control-regex -- finding the NUL character is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A deep copy of a JSON value in which every string can be stored: the characters jsonb refuses become U+FFFD. A log
 * event records what callers sent, including bad input (a NUL in a name is exactly what a `fapi` event is about), so
 * it must never fail to store because of it.
 */
export const jsonSafe = <T>(value: T): T => {
  if (typeof value === 'string') return (UNSTORABLE.test(value) ? value.replace(UNSTORABLE, '\ufffd') : value) as T;
  if (Array.isArray(value)) return value.map(jsonSafe) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[jsonSafe(key)] = jsonSafe(item);
  return out as T;
};
