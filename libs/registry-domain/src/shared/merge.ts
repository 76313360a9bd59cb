import type { FieldTable } from './field-rules';
import { isPlainObject } from './values';

/**
 * Applies a validated partial input to current values, as the field table says: nested objects merge key by key,
 * string maps marked `mergeOnUpdate` merge with null deleting a key, everything else (arrays included) replaces.
 * Builds with Object.fromEntries (define semantics) so no key can reach a prototype.
 */
export const mergeByTable = <T extends object>(current: T, input: object, table: FieldTable): T => {
  const result: Record<string, unknown> = { ...(current as Record<string, unknown>) };
  for (const [key, value] of Object.entries(input)) {
    const rule = Object.hasOwn(table, key) ? table[key].rule : undefined;
    const before = result[key];
    if (rule?.type === 'object' && isPlainObject(value)) {
      result[key] = Object.fromEntries([
        ...Object.entries(isPlainObject(before) ? before : {}),
        ...Object.entries(value),
      ]);
    } else if (rule?.type === 'string-map' && rule.mergeOnUpdate && isPlainObject(value)) {
      const merged = [...Object.entries(isPlainObject(before) ? before : {}), ...Object.entries(value)];
      result[key] = Object.fromEntries([...new Map(merged)].filter(([, item]) => item !== null));
    } else {
      result[key] = value;
    }
  }
  return result as T;
};
