export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Deep structural equality of JSON values (key order ignored). */
export const jsonEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
};

/** The entries of `desired` whose value differs from `current`: the payload of a "...Changed" event. */
export const changedFields = <T extends object>(current: T, desired: Partial<T>): Partial<T> => {
  const changes: Partial<T> = {};
  for (const key of Object.keys(desired) as (keyof T)[]) {
    if (!jsonEqual(current[key], desired[key])) changes[key] = desired[key];
  }
  return changes;
};

export const isEmpty = (value: object): boolean => Object.keys(value).length === 0;

/** Same members regardless of order (used where a list is really a set: connections, scopes). */
export const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
};

/** `at` plus a number of seconds, as an ISO string (pure: parses the given time, never reads a clock). */
export const addSeconds = (at: string, seconds: number): string =>
  new Date(Date.parse(at) + seconds * 1000).toISOString();
