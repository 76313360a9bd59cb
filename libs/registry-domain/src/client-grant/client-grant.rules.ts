import { base62Id } from '../shared/derived-id';
import { checkValue } from '../shared/field-rules';
import { payloadViolation, type Violation } from '../shared/violations';
import { SCOPE_VALUE } from '../resource-server/resource-server.rules';

/**
 * The id of the grant of `client_id` for `audience`: `cgr_` + 16 base62 characters of a SHA-256. Derived, so a
 * second grant for the same pair lands on the same stream and conflicts (409 like Auth0).
 */
export const clientGrantId = (tenant: string, clientId: string, audience: string): string =>
  `cgr_${base62Id(['client-grant', tenant, clientId, audience], 16)}`;

/** A grant's scope: unique scope values, every one defined by the resource server. */
export const clientGrantScopeViolations = (scope: unknown, availableScopes: readonly string[]): Violation[] => {
  const shape = checkValue(
    scope,
    { type: 'array', items: SCOPE_VALUE, maxItems: 1000, uniqueItems: true },
    'scope',
    'create',
  );
  if (shape.length > 0) return shape;
  const unknown = (scope as string[]).filter((value) => !availableScopes.includes(value));
  return unknown.length > 0
    ? [payloadViolation('scope', `Scopes not defined by the resource server: ${unknown.join(', ')}`)]
    : [];
};

/** client_id and audience of a new grant: present, bounded strings. */
export const clientGrantKeyViolations = (clientId: unknown, audience: unknown): Violation[] => [
  ...checkValue(clientId, { type: 'string', minLength: 1, maxLength: 64 }, 'client_id', 'create'),
  ...checkValue(audience, { type: 'string', minLength: 1, maxLength: 600 }, 'audience', 'create'),
];
