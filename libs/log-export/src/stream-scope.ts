import { matchesFilters } from '@roster/logs';
import type { LogStreamDefinition } from './log-stream-definition';
import type { SourcedLogEvent } from './log-source';

/**
 * Which of its tenant's log events a stream delivers: those after it was created (or, with `startFrom`, those dated
 * from then on), in its category filters, and not yet handled (after `handledUpTo`, the last position the stream
 * recorded: a source that redelivers, or a Kafka group whose offsets expired, does not resend them).
 */

export type StreamScope = Pick<LogStreamDefinition, 'createdPosition' | 'startFrom' | 'filters'>;

/** The exclusive position a source without a stored position may start after and still miss nothing. */
export const startPositionOf = (definition: StreamScope): bigint =>
  definition.startFrom === undefined ? definition.createdPosition : 0n;

/** The predicate `definition` applies to each event; `handledUpTo` excluded, when given. */
export const eventScopeOf = (
  definition: StreamScope,
  handledUpTo?: bigint,
): ((sourced: SourcedLogEvent) => boolean) => {
  const startFromMs = definition.startFrom === undefined ? undefined : Date.parse(definition.startFrom);
  const after = handledUpTo ?? -1n;
  return ({ position, event }) => {
    if (position <= after) return false;
    // NaN compares false: an event with an unreadable date is delivered rather than lost.
    const early =
      startFromMs === undefined ? position <= definition.createdPosition : Date.parse(event.date) < startFromMs;
    if (early) return false;
    return matchesFilters(event.type, definition.filters);
  };
};
