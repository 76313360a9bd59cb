/**
 * Rules every adapter applies the same way, so the adapters differ only in how they talk to their storage.
 */
import { RosterError } from '@roster/errors';
import { EventToAppend, ExpectedRevision, GlobalLogFilter, RecordedEvent } from './event-store.port';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Rejects appends that no adapter can store faithfully: checked before any I/O. */
export const assertAppendable = (streamId: string, events: readonly EventToAppend[]): void => {
  const invalid = (code: string, message: string, details?: Record<string, unknown>): RosterError =>
    new RosterError('validation', code, message, { details: { streamId, ...details } });
  if (!streamId || streamId.startsWith('$'))
    throw invalid('invalid_stream_id', 'Stream ids are non-empty and never start with $');
  if (events.length === 0) throw invalid('empty_append', 'An append needs at least one event');
  const seen = new Set<string>();
  events.forEach((event, index) => {
    if (!UUID.test(event.id)) throw invalid('invalid_event_id', 'Event ids are UUIDs', { index });
    if (seen.has(event.id.toLowerCase()))
      throw invalid('duplicate_event_id', 'An append repeats an event id', { index });
    seen.add(event.id.toLowerCase());
    if (!event.type || event.type.startsWith('$'))
      throw invalid('invalid_event_type', 'Event types are non-empty and never start with $', { index });
  });
};

/** The expected revision as ConcurrencyError reports it. */
export const describeExpected = (expected: ExpectedRevision): string => expected.toString();

/** An empty list constrains nothing: the same as leaving it out. */
export const normalizeFilter = (filter: GlobalLogFilter | undefined): GlobalLogFilter => ({
  streamPrefixes: filter?.streamPrefixes?.length ? filter.streamPrefixes : undefined,
  eventTypes: filter?.eventTypes?.length ? filter.eventTypes : undefined,
});

export const matchesFilter = (event: Pick<RecordedEvent, 'streamId' | 'type'>, filter: GlobalLogFilter): boolean =>
  (!filter.streamPrefixes?.length || filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) &&
  (!filter.eventTypes?.length || filter.eventTypes.includes(event.type));

export const DEFAULT_READ_ALL_LIMIT = 1000;
