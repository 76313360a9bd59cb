import { RosterError } from '@roster/errors';

/** One broken rule: where (a dotted property path, '' for the body itself) and the Auth0-style message. */
export interface Violation {
  readonly path: string;
  readonly message: string;
}

/** Auth0's schema-violation wording: `Payload validation error: '<detail>' on property <path>`. */
export const payloadViolation = (path: string, detail: string): Violation => ({
  path,
  message:
    path === '' ? `Payload validation error: '${detail}'` : `Payload validation error: '${detail}' on property ${path}`,
});

/** A violation whose message is a fixed Auth0 sentence (e.g. `Invalid grant types: password`). */
export const plainViolation = (path: string, message: string): Violation => ({ path, message });

/**
 * The single error path for bad input: every violation becomes one RosterError (400 invalid_body); the message is
 * the first violation's, `details.violations` lists all of them.
 */
export const validationError = (violations: readonly Violation[]): RosterError =>
  new RosterError('validation', 'invalid_body', violations[0]?.message ?? 'Payload validation error', {
    details: { violations: violations.map(({ path, message }) => ({ path, message })) },
  });

export const throwIfViolations = (violations: readonly Violation[]): void => {
  if (violations.length > 0) throw validationError(violations);
};

/** JSON Schema type names as Auth0's validator reports them ('integer' for whole numbers). */
export const jsonTypeOf = (value: unknown): string => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
};

/** A value quoted for a message, cut short so a huge input cannot blow up an error body or a log line. */
export const quote = (value: unknown, max = 64): string => {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
};
