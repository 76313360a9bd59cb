/** NUL and unpaired UTF-16 surrogates: valid in a JS string, refused by PostgreSQL's jsonb (and by many SIEMs). */
// eslint-disable-next-line no-control-regex -- finding the NUL character is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** A first, cheaper look (no lookaround, no state): almost every string has neither NUL nor any surrogate. */
// eslint-disable-next-line no-control-regex -- as above
const MAYBE_UNSTORABLE = /[\u0000\ud800-\udfff]/;

/** Whether `value` holds a string (or a key) that jsonb would refuse. Allocates nothing: it runs for every log event. */
const needsRepair = (value: unknown): boolean => {
  if (typeof value === 'string') return MAYBE_UNSTORABLE.test(value) && value.replace(UNSTORABLE, '\ufffd') !== value;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(needsRepair);
  for (const key in value) {
    if (Object.hasOwn(value, key) && (needsRepair(key) || needsRepair((value as Record<string, unknown>)[key])))
      return true;
  }
  return false;
};

const repaired = (value: unknown): unknown => {
  if (typeof value === 'string') return value.replace(UNSTORABLE, '\ufffd');
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(repaired);
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) out[repaired(key) as string] = repaired(source[key]);
  return out;
};

/**
 * A JSON value in which every string can be stored: `value` itself when it already can (almost always; no copy), else
 * a deep copy in which the characters jsonb refuses became U+FFFD. A log event records what callers sent, including
 * bad input (a NUL in a name is exactly what a `fapi` event is about), so it must never fail to store because of it.
 */
export const jsonSafe = <T>(value: T): T => (needsRepair(value) ? (repaired(value) as T) : value);
