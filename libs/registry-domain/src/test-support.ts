import { isRosterError, type ErrorKind } from '@roster/errors';

/** Predicate for DeciderSpecification.thenThrows: a RosterError of this kind and code (and message, if given). */
export const rosterError =
  (kind: ErrorKind, code: string, message?: string | RegExp) =>
  (error: unknown): boolean => {
    if (!isRosterError(error) || error.kind !== kind || error.code !== code) return false;
    if (message === undefined) return true;
    return typeof message === 'string' ? error.message === message : message.test(error.message);
  };

/** The single validation path: 400 invalid_body with this message. */
export const invalidBody = (message: string | RegExp) => rosterError('validation', 'invalid_body', message);

export const AT = '2026-01-01T00:00:00.000Z';
export const LATER = '2026-01-02T00:00:00.000Z';
