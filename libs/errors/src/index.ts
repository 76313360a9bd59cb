/**
 * One error type for the whole code base: a kind (maps to an HTTP status family), a stable code (greppable,
 * documented to API users), a cause chain and a retriable flag that tells callers whether trying again can help.
 */
export type ErrorKind =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unavailable'
  | 'internal';

export interface RosterErrorOptions {
  cause?: unknown;
  retriable?: boolean;
  /** Extra machine-readable facts (never secrets), e.g. the index of a bad item or a retry delay. */
  details?: Record<string, unknown>;
}

export class RosterError extends Error {
  readonly retriable: boolean;
  readonly details?: Record<string, unknown>;

  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    options: RosterErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RosterError';
    this.retriable = options.retriable ?? (kind === 'unavailable' || kind === 'rate_limited');
    this.details = options.details;
  }
}

export const isRosterError = (e: unknown): e is RosterError => e instanceof RosterError;

/** Raised when an append's expected revision does not match the stream: another writer won. */
export class ConcurrencyError extends RosterError {
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: string,
    options: RosterErrorOptions = {},
  ) {
    super('conflict', 'wrong_expected_revision', `Stream ${streamId} is at revision ${actual}, expected ${expected}`, {
      retriable: true,
      ...options,
    });
    this.name = 'ConcurrencyError';
  }
}
