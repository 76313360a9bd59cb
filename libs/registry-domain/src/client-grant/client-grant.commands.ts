import type { DomainCommand } from '../shared/command';

export type CreateClientGrant = DomainCommand<
  'CreateClientGrant',
  {
    tenant: string;
    /** Optional: when given it must equal clientGrantId(tenant, client_id, audience), the stream the handler loaded. */
    client_grant_id?: string;
    at: string;
    client_id: string;
    /** The resource server identifier. */
    audience: string;
    /** Raw `scope` from the body (validated here). */
    scope: unknown;
    /** Scope values the resource server defines (the handler reads them from the resource server). */
    available_scopes: readonly string[];
  }
>;

export type ChangeClientGrantScope = DomainCommand<
  'ChangeClientGrantScope',
  { tenant: string; client_grant_id: string; at: string; scope: unknown; available_scopes: readonly string[] }
>;

export type RemoveClientGrant = DomainCommand<
  'RemoveClientGrant',
  { tenant: string; client_grant_id: string; at: string }
>;

export type ClientGrantCommand = CreateClientGrant | ChangeClientGrantScope | RemoveClientGrant;
