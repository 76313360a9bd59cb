import type { DomainEvent } from '../decider';

/**
 * Initial access tokens (RFC 7591 §3, Keycloak's "initial access token"): a tenant administrator issues one so that
 * registration can be limited to whoever holds it, with an expiry and a number of uses. One stream per tenant keeps
 * them all, so counting uses is a plain optimistic-concurrency append and listing them needs no read model.
 */
export type InitialAccessTokenIssued = DomainEvent<
  'InitialAccessTokenIssued',
  {
    tenant: string;
    id: string;
    at: string;
    /** Keyed hash of the token; the token itself is returned once and never stored. */
    token_hash: string;
    expires_at: string;
    count: number;
  }
>;

export type InitialAccessTokenUsed = DomainEvent<
  'InitialAccessTokenUsed',
  { tenant: string; id: string; at: string; client_id: string; remaining_count: number }
>;

export type InitialAccessTokenRevoked = DomainEvent<
  'InitialAccessTokenRevoked',
  { tenant: string; id: string; at: string }
>;

export type InitialAccessTokenEvent = InitialAccessTokenIssued | InitialAccessTokenUsed | InitialAccessTokenRevoked;
