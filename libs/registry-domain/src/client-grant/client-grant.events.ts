import type { DomainEvent } from '../decider';

export type ClientGrantCreated = DomainEvent<
  'ClientGrantCreated',
  { tenant: string; client_grant_id: string; at: string; client_id: string; audience: string; scope: string[] }
>;

export type ClientGrantScopeChanged = DomainEvent<
  'ClientGrantScopeChanged',
  { tenant: string; client_grant_id: string; at: string; scope: string[] }
>;

export type ClientGrantRemoved = DomainEvent<
  'ClientGrantRemoved',
  { tenant: string; client_grant_id: string; at: string; client_id: string; audience: string }
>;

export type ClientGrantEvent = ClientGrantCreated | ClientGrantScopeChanged | ClientGrantRemoved;

export const CLIENT_GRANT_EVENT_TYPES = [
  'ClientGrantCreated',
  'ClientGrantScopeChanged',
  'ClientGrantRemoved',
] as const;
export type ClientGrantEventType = (typeof CLIENT_GRANT_EVENT_TYPES)[number];
