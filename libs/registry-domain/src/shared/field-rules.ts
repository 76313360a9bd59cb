import { isPlainObject, jsonEqual } from './values';
import { jsonTypeOf, payloadViolation, quote, type Violation } from './violations';

/**
 * Validation as data: a table of field rules per writable object (client settings, tenant settings, connection,
 * resource server), checked by one function, `checkFields`, that returns every violation in Auth0's wording.
 * The rules cover shape only (JSON types, lengths, enums, lists, access); rules that need several fields at once
 * live next to each aggregate as cross-field rules.
 */

export interface StringRule {
  readonly type: 'string';
  readonly minLength?: number;
  /** In Unicode code points, so an emoji counts once. */
  readonly maxLength: number;
  readonly pattern?: { readonly regex: RegExp; readonly text: string };
  /** Tab, CR and LF allowed (PEM certificates); every other control character is still refused. */
  readonly multiline?: boolean;
}

export type FieldRule =
  | StringRule
  | { readonly type: 'boolean' }
  | { readonly type: 'integer'; readonly minimum: number; readonly maximum: number }
  | { readonly type: 'number'; readonly minimum: number; readonly maximum: number }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | {
      readonly type: 'array';
      readonly items: FieldRule;
      readonly maxItems: number;
      readonly minItems?: number;
      readonly uniqueItems?: boolean;
    }
  /** A nested object with known fields (merged into the current value on update, see merge.ts). */
  | { readonly type: 'object'; readonly fields: FieldTable; readonly required?: readonly string[] }
  /**
   * A flat string→string map. `mergeOnUpdate`: an update merges it into the current map and a null value deletes
   * that key (Auth0's client_metadata); otherwise it is replaced whole.
   */
  | {
      readonly type: 'string-map';
      readonly maxProperties: number;
      readonly key: StringRule;
      readonly value: StringRule;
      readonly mergeOnUpdate?: boolean;
    }
  /** Free-form JSON (connection options) bounded in depth and size so it can always be serialised again. */
  | {
      readonly type: 'json-object';
      readonly maxDepth: number;
      readonly maxNodes: number;
      readonly maxStringLength: number;
    };

/** Kinds of URL a string field holds; each aggregate maps a kind to a URL policy (see url-rules.ts). */
export type UrlKind = 'callback' | 'origin' | 'logout' | 'initiate_login' | 'logo' | 'web_page' | 'redirect';

export interface FieldSpec {
  /** Shape of the value; absent for read-only fields. */
  readonly rule?: FieldRule;
  /** writable (default); create-only = may be repeated unchanged on update; read-only = never in input. */
  readonly access?: 'writable' | 'create-only' | 'read-only';
  readonly requiredOnCreate?: boolean;
  /** Token scope a caller needs, beyond the endpoint's, to send this field (Auth0's `update:client_keys`...). */
  readonly requiresScope?: string;
  /** The string (or each string of the list) is a URL of this kind, checked by the aggregate's URL pass. */
  readonly url?: UrlKind;
}

export type FieldTable = Readonly<Record<string, FieldSpec>>;

export interface FieldCheckContext {
  readonly mode: 'create' | 'update';
  /** Current values, to let a create-only field be repeated unchanged on update. */
  readonly current?: Readonly<Record<string, unknown>>;
  /** Property-name prefixes that are read-only as a family (Auth0's `external_*`). */
  readonly readOnlyPrefixes?: readonly string[];
}

/** Keys that would reach Object.prototype through naive merging of parsed JSON. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// C0 and C1 controls (tab/CR/LF handled separately), bidi overrides (text spoofing) and lone surrogates.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ALWAYS_FORBIDDEN_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const LINE_CHARS = /[\t\n\r]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const codePoints = (text: string): number => {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
};

/** Any character one of the three checks above looks at: most strings have none, and are tested once. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const SUSPECT_CHARS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/;

/** Why a string breaks a string rule, or null. */
export const stringProblem = (value: string, rule: StringRule): string | null => {
  if (SUSPECT_CHARS.test(value)) {
    if (LONE_SURROGATE.test(value)) return 'String contains invalid Unicode';
    if (ALWAYS_FORBIDDEN_CHARS.test(value) || (!rule.multiline && LINE_CHARS.test(value))) {
      return 'String contains control characters';
    }
  }
  // UTF-16 length is at least the code point count and at most twice it: count only when a bound depends on it.
  const length =
    value.length > rule.maxLength || (rule.minLength !== undefined && value.length < 2 * rule.minLength)
      ? codePoints(value)
      : value.length;
  if (length > rule.maxLength) return `String is too long (${length} chars), maximum ${rule.maxLength}`;
  if (rule.minLength !== undefined && length < rule.minLength) {
    return `String is too short (${length} chars), minimum ${rule.minLength}`;
  }
  if (rule.pattern && !rule.pattern.regex.test(value)) return `String does not match pattern ${rule.pattern.text}`;
  return null;
};

const typeMismatch = (path: string, expected: string, value: unknown): Violation =>
  payloadViolation(path, `Expected type ${expected} but found type ${jsonTypeOf(value)}`);

const join = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;

export const prototypeKeyViolation = (path: string, key: string): Violation | null =>
  PROTOTYPE_KEYS.has(key) ? payloadViolation(path, `Property name ${key} is not allowed`) : null;

/** Checks one value against one rule; `mode` decides whether a string-map accepts null (delete) values. */
export const checkValue = (value: unknown, rule: FieldRule, path: string, mode: 'create' | 'update'): Violation[] => {
  switch (rule.type) {
    case 'string': {
      if (typeof value !== 'string') return [typeMismatch(path, 'string', value)];
      const problem = stringProblem(value, rule);
      return problem ? [payloadViolation(path, problem)] : [];
    }
    case 'boolean':
      return typeof value === 'boolean' ? [] : [typeMismatch(path, 'boolean', value)];
    case 'integer':
    case 'number': {
      const ok =
        typeof value === 'number' && Number.isFinite(value) && (rule.type === 'number' || Number.isInteger(value));
      if (!ok) return [typeMismatch(path, rule.type, value)];
      if (value < rule.minimum) return [payloadViolation(path, `Value ${value} is less than minimum ${rule.minimum}`)];
      if (value > rule.maximum)
        return [payloadViolation(path, `Value ${value} is greater than maximum ${rule.maximum}`)];
      return [];
    }
    case 'enum':
      if (typeof value !== 'string') return [typeMismatch(path, 'string', value)];
      return rule.values.includes(value) ? [] : [payloadViolation(path, `No enum match for: ${quote(value)}`)];
    case 'array':
      return checkArray(value, rule, path, mode);
    case 'object': {
      if (!isPlainObject(value)) return [typeMismatch(path, 'object', value)];
      const missing = (rule.required ?? []).filter((key) => !Object.hasOwn(value, key));
      if (missing.length > 0) return [payloadViolation(path, `Missing required property: ${missing[0]}`)];
      return checkFields(value, rule.fields, { mode: 'update' }, path);
    }
    case 'string-map':
      return checkStringMap(value, rule, path, mode);
    case 'json-object':
      if (!isPlainObject(value)) return [typeMismatch(path, 'object', value)];
      return checkJson(value, rule, path);
  }
};

const checkArray = (
  value: unknown,
  rule: Extract<FieldRule, { type: 'array' }>,
  path: string,
  mode: 'create' | 'update',
): Violation[] => {
  if (!Array.isArray(value)) return [typeMismatch(path, 'array', value)];
  // Size first: a 10k-element list is refused without looking at its items.
  if (value.length > rule.maxItems)
    return [payloadViolation(path, `Array is too long (${value.length}), maximum ${rule.maxItems}`)];
  if (rule.minItems !== undefined && value.length < rule.minItems) {
    return [payloadViolation(path, `Array is too short (${value.length}), minimum ${rule.minItems}`)];
  }
  const itemViolations = value.flatMap((item, i) => checkValue(item, rule.items, join(path, i), mode));
  if (itemViolations.length > 0) return itemViolations;
  if (rule.uniqueItems) {
    for (let i = 0; i < value.length; i += 1) {
      const j = value.findIndex((other, k) => k > i && jsonEqual(other, value[i]));
      if (j >= 0) return [payloadViolation(path, `Array items are not unique (indexes ${i} and ${j})`)];
    }
  }
  return [];
};

const checkStringMap = (
  value: unknown,
  rule: Extract<FieldRule, { type: 'string-map' }>,
  path: string,
  mode: 'create' | 'update',
): Violation[] => {
  if (!isPlainObject(value)) return [typeMismatch(path, 'object', value)];
  const keys = Object.keys(value);
  if (keys.length > rule.maxProperties) {
    return [payloadViolation(path, `Too many properties defined (${keys.length}), maximum ${rule.maxProperties}`)];
  }
  return keys.flatMap((key) => {
    const bad = prototypeKeyViolation(path, key);
    if (bad) return [bad];
    const keyProblem = stringProblem(key, rule.key);
    if (keyProblem) return [payloadViolation(path, `Property name ${quote(key)}: ${keyProblem}`)];
    const item = value[key];
    if (item === null && rule.mergeOnUpdate && mode === 'update') return [];
    return checkValue(item, rule.value, join(path, key), mode);
  });
};

const checkJson = (
  root: Record<string, unknown>,
  rule: Extract<FieldRule, { type: 'json-object' }>,
  path: string,
): Violation[] => {
  let nodes = 0;
  const stringRule: StringRule = { type: 'string', maxLength: rule.maxStringLength, multiline: true };
  // Iterative walk: a hostile depth must not blow the stack before the depth limit is reported.
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path, depth: 1 }];
  while (stack.length > 0) {
    const { value, path: at, depth } = stack.pop()!;
    nodes += 1;
    if (nodes > rule.maxNodes) return [payloadViolation(path, `Object has too many values, maximum ${rule.maxNodes}`)];
    if (typeof value === 'string') {
      const problem = stringProblem(value, stringRule);
      if (problem) return [payloadViolation(at, problem)];
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return [payloadViolation(at, 'Number is not finite')];
    } else if (Array.isArray(value) || isPlainObject(value)) {
      if (depth > rule.maxDepth)
        return [payloadViolation(path, `Object is nested too deeply, maximum depth ${rule.maxDepth}`)];
      const entries: [string | number, unknown][] = Array.isArray(value)
        ? value.map((v, i) => [i, v])
        : Object.entries(value);
      for (const [key, child] of entries) {
        if (typeof key === 'string') {
          const bad = prototypeKeyViolation(at, key) ?? keyProblem(at, key);
          if (bad) return [bad];
        }
        stack.push({ value: child, path: join(at, key), depth: depth + 1 });
      }
    } else if (typeof value !== 'boolean' && value !== null) {
      return [typeMismatch(at, 'JSON value', value)];
    }
  }
  return [];
};

const keyProblem = (path: string, key: string): Violation | null => {
  const problem = stringProblem(key, { type: 'string', minLength: 1, maxLength: 255 });
  return problem ? payloadViolation(path, `Property name ${quote(key)}: ${problem}`) : null;
};

/**
 * Checks an input object against a field table: unknown, read-only and write-once properties, required fields on
 * create, then each value's rule. Returns every violation (empty list = valid shape).
 */
export const checkFields = (input: unknown, table: FieldTable, context: FieldCheckContext, path = ''): Violation[] => {
  if (!isPlainObject(input)) return [typeMismatch(path, 'object', input)];
  const violations: Violation[] = [];
  const keys = Object.keys(input);

  const prototypeKeys: Violation[] = [];
  for (const key of keys) {
    const bad = prototypeKeyViolation(path, key);
    if (bad) prototypeKeys.push(bad);
  }
  if (prototypeKeys.length > 0) return prototypeKeys;

  const isReadOnly = (key: string) =>
    (Object.hasOwn(table, key) && table[key].access === 'read-only') ||
    (context.readOnlyPrefixes ?? []).some((prefix) => key.startsWith(prefix));
  const unknown = keys.filter((key) => !Object.hasOwn(table, key) && !isReadOnly(key));
  if (unknown.length > 0)
    violations.push(payloadViolation(path, `Additional properties not allowed: ${unknown.join(',')}`));

  for (const key of keys) {
    if (unknown.includes(key)) continue;
    const at = join(path, key);
    if (isReadOnly(key)) {
      violations.push(payloadViolation(at, 'Property is read-only'));
      continue;
    }
    const spec = table[key];
    if (spec.access === 'create-only' && context.mode === 'update') {
      if (context.current && jsonEqual(context.current[key], input[key])) continue;
      violations.push(payloadViolation(at, 'Property cannot be changed after creation'));
      continue;
    }
    if (spec.rule) {
      const problems = checkValue(input[key], spec.rule, at, context.mode);
      if (problems.length > 0) violations.push(...problems);
    }
  }

  if (context.mode === 'create') {
    for (const key of requiredOnCreate(table)) {
      if (!Object.hasOwn(input, key)) violations.push(payloadViolation(path, `Missing required property: ${key}`));
    }
  }
  return violations;
};

/** The keys a table requires on create, found once per table (bulk ingestion checks a thousand items a request). */
const requiredKeys = new WeakMap<FieldTable, readonly string[]>();
const requiredOnCreate = (table: FieldTable): readonly string[] => {
  let keys = requiredKeys.get(table);
  if (!keys) {
    keys = Object.keys(table).filter((key) => table[key].requiredOnCreate);
    requiredKeys.set(table, keys);
  }
  return keys;
};

/** Scopes a caller needs for the fields present in the input (e.g. `update:client_keys`), for a 403 before a 400. */
export const scopesRequiredFor = (input: unknown, table: FieldTable): string[] =>
  isPlainObject(input)
    ? [...new Set(Object.keys(input).flatMap((key) => (Object.hasOwn(table, key) && table[key].requiresScope) || []))]
    : [];
