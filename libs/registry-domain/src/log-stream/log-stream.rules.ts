// @roster/log-sinks and @roster/logs import this library's field rules, so these imports close a cycle. Their
// bindings are used only inside functions, never while modules load, so either side may be loaded first.
import { SECRET_SINK_FIELDS, checkSinkConfig, isSinkType, type SinkType } from '@roster/log-sinks';
import { isLogCategory, type LogStreamFilter } from '@roster/logs';
import { checkFields, type FieldTable } from '../shared/field-rules';
import type { JsonObject } from '../shared/json';
import { isPlainObject } from '../shared/values';
import { payloadViolation, plainViolation, quote, type Violation } from '../shared/violations';
import { LOG_STREAM_STATUSES, type LogStreamSettings } from './log-stream.events';

export const MAX_LOG_STREAM_FILTERS = 30;

/**
 * The log stream body (Auth0's `/api/v2/log-streams`, reference §8.1) as data. `type` is only checked for shape
 * here: `checkSinkConfig` knows the sink types and reports an unknown one; `sink` is checked per type by it too.
 */
export const LOG_STREAM_FIELD_RULES: FieldTable = {
  name: {
    requiredOnCreate: true,
    rule: { type: 'string', minLength: 1, maxLength: 128, pattern: { regex: /^[^<>]+$/, text: '^[^<>]+$' } },
  },
  type: { requiredOnCreate: true, access: 'create-only', rule: { type: 'string', minLength: 1, maxLength: 32 } },
  status: { rule: { type: 'enum', values: LOG_STREAM_STATUSES } },
  isPriority: { rule: { type: 'boolean' } },
  filters: {
    rule: {
      type: 'array',
      maxItems: MAX_LOG_STREAM_FILTERS,
      uniqueItems: true,
      items: {
        type: 'object',
        required: ['type', 'name'],
        fields: {
          type: { rule: { type: 'enum', values: ['category'] } },
          name: { rule: { type: 'string', minLength: 1, maxLength: 64 } },
        },
      },
    },
  },
  startFrom: { access: 'create-only', rule: { type: 'string', minLength: 1, maxLength: 40 } },
  sink: { requiredOnCreate: true },
  id: { access: 'read-only' },
};

/** The body once its shape is known to be right. */
interface LogStreamBody {
  name?: string;
  type?: string;
  status?: LogStreamSettings['status'];
  isPriority?: boolean;
  filters?: LogStreamFilter[];
  startFrom?: string;
  sink?: unknown;
}

export type LogStreamSnapshot = LogStreamSettings & { type: SinkType; start_from?: string };

export type LogStreamEvaluation =
  | { readonly ok: true; readonly stream: LogStreamSnapshot; readonly secrets: JsonObject }
  | { readonly ok: false; readonly violations: Violation[] };

/** A sink change applied to a sink field by field (null removes a field); a change that is no object replaces. */
export const mergeSink = (current: Readonly<Record<string, unknown>>, change: unknown): unknown =>
  isPlainObject(change)
    ? Object.fromEntries(
        [...Object.entries(current).filter(([key]) => !Object.hasOwn(change, key)), ...Object.entries(change)].filter(
          ([, value]) => value !== null,
        ),
      )
    : change;

/** The sink's public fields and its secret ones (SECRET_SINK_FIELDS of its type). */
export const splitSink = (
  type: SinkType,
  sink: Readonly<Record<string, unknown>>,
): { public: JsonObject; secrets: JsonObject } => {
  const secret = new Set<string>(SECRET_SINK_FIELDS[type]);
  const pick = (wanted: boolean): JsonObject =>
    Object.fromEntries(Object.entries(sink).filter(([key]) => secret.has(key) === wanted)) as JsonObject;
  return { public: pick(false), secrets: pick(true) };
};

/**
 * The secret sink fields a stream of `type` holds once `change` (a body's `sink`) is applied to `current`: what the
 * handler seals into the command. `{}` for an unknown type or a sink that is no object (the decider refuses those).
 */
export const sinkSecretsAfter = (
  type: unknown,
  current: Readonly<Record<string, unknown>>,
  change: unknown,
): JsonObject => {
  if (!isSinkType(type)) return {};
  const merged = change === undefined ? current : mergeSink(current, change);
  return isPlainObject(merged) ? splitSink(type, merged).secrets : {};
};

/** ISO 8601 date, or date and time with a zone (a time without a zone would depend on the server's). */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

const startFromViolations = (startFrom: string | undefined, at: string): Violation[] => {
  if (startFrom === undefined) return [];
  const time = ISO_DATE.test(startFrom) ? Date.parse(startFrom) : NaN;
  if (Number.isNaN(time)) return [payloadViolation('startFrom', 'Must be an ISO 8601 date')];
  return time > Date.parse(at) ? [payloadViolation('startFrom', 'Date must not be in the future')] : [];
};

const filterViolations = (filters: readonly LogStreamFilter[] | undefined): Violation[] =>
  (filters ?? []).flatMap((filter, i) =>
    isLogCategory(filter.name)
      ? []
      : [payloadViolation(`filters[${i}].name`, `No enum match for: ${quote(filter.name)}`)],
  );

const sinkViolations = (type: string, sink: unknown): Violation[] =>
  checkSinkConfig(type, sink, 'create').map((message) => plainViolation('sink', message));

/**
 * Shape pass, then the sink (whole on create; on update the current sink with the change merged in, checked as on
 * create), filter categories and `startFrom` (not after `at`, the command's time). `current` carries the stream and
 * its secret sink fields in clear.
 */
export const evaluateLogStream = (
  input: unknown,
  at: string,
  current?: { stream: LogStreamSnapshot; secrets: Readonly<Record<string, unknown>> },
): LogStreamEvaluation => {
  const shape = checkFields(input, LOG_STREAM_FIELD_RULES, {
    mode: current ? 'update' : 'create',
    current: current && { type: current.stream.type, startFrom: current.stream.start_from },
  });
  if (shape.length > 0) return { ok: false, violations: shape };
  const body = input as LogStreamBody;
  const type = current?.stream.type ?? body.type!;
  const sink = current ? mergeSink({ ...current.stream.sink, ...current.secrets }, body.sink ?? {}) : body.sink;
  const violations = [
    ...(current && body.sink === undefined ? [] : sinkViolations(type, sink)),
    ...filterViolations(body.filters),
    ...(current ? [] : startFromViolations(body.startFrom, at)),
  ];
  if (violations.length > 0) return { ok: false, violations };

  const parts = splitSink(type as SinkType, sink as Record<string, unknown>);
  const base: LogStreamSnapshot = current?.stream ?? {
    name: body.name!,
    type: type as SinkType,
    status: 'active',
    filters: [],
    sink: {},
    ...(body.startFrom === undefined ? {} : { start_from: new Date(body.startFrom).toISOString() }),
  };
  const stream: LogStreamSnapshot = {
    ...base,
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.status === undefined ? {} : { status: body.status }),
    ...(body.filters === undefined ? {} : { filters: body.filters }),
    ...(body.isPriority === undefined ? {} : { is_priority: body.isPriority }),
    sink: parts.public,
  };
  return { ok: true, stream, secrets: parts.secrets };
};
