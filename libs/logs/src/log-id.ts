/**
 * A log event's id is the global position of the event that recorded it, in decimal, zero-padded to 20 digits (the
 * width of the largest 64-bit position). So log ids are unique, sort as strings in the order events were committed,
 * and a reader paging `from` a log id can never miss an event committed later with a smaller id: there is none.
 */
export const LOG_ID_WIDTH = 20;
const LOG_ID = /^\d{1,20}$/;

export const logIdOf = (position: bigint): string => position.toString().padStart(LOG_ID_WIDTH, '0');

/** Positions are PostgreSQL bigints (EventStoreDB's fit too): nothing above 2^63 - 1. */
const MAX_POSITION = 2n ** 63n - 1n;

/** The position behind a log id, or undefined when the text is not a log id. */
export const positionOfLogId = (logId: string): bigint | undefined => {
  if (!LOG_ID.test(logId)) return undefined;
  const position = BigInt(logId);
  return position <= MAX_POSITION ? position : undefined;
};
