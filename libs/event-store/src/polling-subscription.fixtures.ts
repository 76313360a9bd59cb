/** Test support for specs of PollingSubscription and of what consumes it (not part of the build). */
import type { RecordedEvent } from './event-store.port';
import { PollingSubscription, type LogPage } from './polling-subscription';

/**
 * A log at its head, paged through by a real PollingSubscription (polling once a minute, so only wakes count):
 * `append(n)` adds the next `n` positions and wakes it, as the SQL store does after a commit; `reads()` counts pages.
 */
export const pagedLog = ({ coalesceMs = 0 } = {}) => {
  const events: RecordedEvent[] = [];
  let reads = 0;
  const readPage = async (after: bigint): Promise<LogPage> => {
    reads += 1;
    const page = events.filter((event) => event.position > after);
    return { events: page, scannedTo: page.at(-1)?.position ?? after, reachedHead: true };
  };
  const subscription = new PollingSubscription(readPage, 0n, 60_000, () => undefined, coalesceMs);
  return {
    subscription,
    reads: () => reads,
    append(count = 1) {
      for (let i = 0; i < count; i++) {
        const position = BigInt(events.length + 1);
        events.push({
          id: String(position),
          streamId: 's',
          type: 'E',
          data: {},
          metadata: {},
          revision: position - 1n,
          position,
          recordedAt: new Date(),
        });
      }
      subscription.wake();
    },
  };
};

export type PagedLog = ReturnType<typeof pagedLog>;
