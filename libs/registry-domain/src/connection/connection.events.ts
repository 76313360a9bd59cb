import type { DomainEvent } from '../decider';
import type { JsonObject } from '../shared/json';

/** Strategies Roster knows (a subset of Auth0's). */
export const CONNECTION_STRATEGIES = [
  'auth0',
  'google-oauth2',
  'github',
  'facebook',
  'apple',
  'linkedin',
  'windowslive',
  'twitter',
  'samlp',
  'oidc',
  'oauth2',
  'waad',
  'adfs',
  'ad',
  'okta',
  'email',
  'sms',
] as const;
export type ConnectionStrategy = (typeof CONNECTION_STRATEGIES)[number];

/** Mutable part of a connection (name and strategy are fixed at creation). */
export type ConnectionSettings = {
  display_name?: string;
  /** Strategy options; secrets are never stored here (they stay outside the event log). */
  options: JsonObject;
  metadata?: Record<string, string>;
  realms: string[];
  is_domain_connection: boolean;
};

export type ConnectionCreated = DomainEvent<
  'ConnectionCreated',
  {
    tenant: string;
    connection_id: string;
    at: string;
    name: string;
    strategy: ConnectionStrategy;
    display_name?: string;
    options: JsonObject;
    metadata?: Record<string, string>;
    realms: string[];
    is_domain_connection: boolean;
  }
>;

export type ConnectionSettingsChanged = DomainEvent<
  'ConnectionSettingsChanged',
  { tenant: string; connection_id: string; at: string; changes: Partial<ConnectionSettings> }
>;

export type ConnectionRemoved = DomainEvent<
  'ConnectionRemoved',
  { tenant: string; connection_id: string; at: string; name: string }
>;

export type ConnectionEvent = ConnectionCreated | ConnectionSettingsChanged | ConnectionRemoved;

export const CONNECTION_EVENT_TYPES = ['ConnectionCreated', 'ConnectionSettingsChanged', 'ConnectionRemoved'] as const;
export type ConnectionEventType = (typeof CONNECTION_EVENT_TYPES)[number];
