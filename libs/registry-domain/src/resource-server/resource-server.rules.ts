import { hexId } from '../shared/derived-id';
import { checkFields, type FieldTable, type StringRule } from '../shared/field-rules';
import { mergeByTable } from '../shared/merge';
import { payloadViolation, quote, type Violation } from '../shared/violations';
import type { ResourceServerScope, ResourceServerSettings } from './resource-server.events';

/**
 * A resource server's id follows from its identifier: 24 hex characters like Auth0's ids, so the token endpoint
 * finds an audience's stream without a lookup and a second API with the same identifier lands on the same stream.
 */
export const resourceServerId = (tenant: string, identifier: string): string =>
  hexId(['resource-server', tenant, identifier], 24);

/** A scope value: no whitespace (scopes are space-separated in OAuth), 1..280 characters as in Auth0. */
export const SCOPE_VALUE: StringRule = {
  type: 'string',
  minLength: 1,
  maxLength: 280,
  pattern: { regex: /^\S+$/, text: '^\\S+$' },
};

export const DEFAULT_TOKEN_LIFETIME = 86400;
export const MAX_TOKEN_LIFETIME = 2592000;

export const RESOURCE_SERVER_FIELD_RULES: FieldTable = {
  identifier: {
    requiredOnCreate: true,
    access: 'create-only',
    rule: { type: 'string', minLength: 1, maxLength: 600, pattern: { regex: /^\S+$/, text: '^\\S+$' } },
  },
  name: { rule: { type: 'string', minLength: 1, maxLength: 200, pattern: { regex: /^[^<>]+$/, text: '^[^<>]+$' } } },
  scopes: {
    rule: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        required: ['value'],
        fields: { value: { rule: SCOPE_VALUE }, description: { rule: { type: 'string', maxLength: 500 } } },
      },
    },
  },
  // Roster signs every access token with the tenant's ES256 key; other algorithms are refused, not ignored.
  signing_alg: { access: 'create-only', rule: { type: 'enum', values: ['ES256'] } },
  token_lifetime: { rule: { type: 'integer', minimum: 1, maximum: MAX_TOKEN_LIFETIME } },
  allow_offline_access: { rule: { type: 'boolean' } },
  skip_consent_for_verifiable_first_party_clients: { rule: { type: 'boolean' } },
  id: { access: 'read-only' },
  is_system: { access: 'read-only' },
};

export type ResourceServerSnapshot = ResourceServerSettings & { identifier: string };

export type ResourceServerEvaluation =
  | { readonly ok: true; readonly resourceServer: ResourceServerSnapshot }
  | { readonly ok: false; readonly violations: Violation[] };

const duplicateScopes = (scopes: readonly ResourceServerScope[]): Violation[] => {
  const values = scopes.map((scope) => scope.value);
  const duplicate = values.find((value, i) => values.indexOf(value) !== i);
  return duplicate === undefined
    ? []
    : [payloadViolation('scopes', `Scope values are not unique: ${quote(duplicate)}`)];
};

/** Shape pass, defaults (create) or replace-merge (update), then unique scope values. */
export const evaluateResourceServer = (input: unknown, current?: ResourceServerSnapshot): ResourceServerEvaluation => {
  const shape = checkFields(input, RESOURCE_SERVER_FIELD_RULES, { mode: current ? 'update' : 'create', current });
  if (shape.length > 0) return { ok: false, violations: shape };
  const { signing_alg: _alg, ...body } = input as Partial<ResourceServerSnapshot> & { signing_alg?: string };
  const base: ResourceServerSnapshot = current ?? {
    identifier: body.identifier!,
    name: body.identifier!,
    scopes: [],
    token_lifetime: DEFAULT_TOKEN_LIFETIME,
    allow_offline_access: false,
    skip_consent_for_verifiable_first_party_clients: false,
  };
  const merged = mergeByTable(base, body, RESOURCE_SERVER_FIELD_RULES);
  // Scopes are replaced whole; a missing description is stored as '' so every scope has both fields.
  const resourceServer = {
    ...merged,
    scopes: merged.scopes.map(({ value, description }) => ({ value, description: description ?? '' })),
  };
  const violations = duplicateScopes(resourceServer.scopes);
  return violations.length > 0 ? { ok: false, violations } : { ok: true, resourceServer };
};
