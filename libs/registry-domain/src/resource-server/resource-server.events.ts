import type { DomainEvent } from '../decider';

export type ResourceServerScope = { value: string; description: string };

/** Mutable part of a resource server (identifier, signing_alg and is_system are fixed at creation). */
export type ResourceServerSettings = {
  name: string;
  scopes: ResourceServerScope[];
  /** Seconds; Auth0 default 86400. */
  token_lifetime: number;
  allow_offline_access: boolean;
  skip_consent_for_verifiable_first_party_clients: boolean;
};

export type ResourceServerCreated = DomainEvent<
  'ResourceServerCreated',
  {
    tenant: string;
    resource_server_id: string;
    at: string;
    identifier: string;
    name: string;
    scopes: ResourceServerScope[];
    signing_alg: 'ES256';
    token_lifetime: number;
    allow_offline_access: boolean;
    skip_consent_for_verifiable_first_party_clients: boolean;
    is_system: boolean;
  }
>;

export type ResourceServerSettingsChanged = DomainEvent<
  'ResourceServerSettingsChanged',
  { tenant: string; resource_server_id: string; at: string; changes: Partial<ResourceServerSettings> }
>;

export type ResourceServerRemoved = DomainEvent<
  'ResourceServerRemoved',
  { tenant: string; resource_server_id: string; at: string; identifier: string }
>;

export type ResourceServerEvent = ResourceServerCreated | ResourceServerSettingsChanged | ResourceServerRemoved;

export const RESOURCE_SERVER_EVENT_TYPES = [
  'ResourceServerCreated',
  'ResourceServerSettingsChanged',
  'ResourceServerRemoved',
] as const;
export type ResourceServerEventType = (typeof RESOURCE_SERVER_EVENT_TYPES)[number];
