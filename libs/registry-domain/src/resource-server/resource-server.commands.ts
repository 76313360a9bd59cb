import type { DomainCommand } from '../shared/command';

export type CreateResourceServer = DomainCommand<
  'CreateResourceServer',
  {
    tenant: string;
    /** Optional: when given it must equal resourceServerId(tenant, identifier), the stream the handler loaded. */
    resource_server_id?: string;
    at: string;
    /** Raw JSON body; the id is derived from its identifier (resourceServerId), so one identifier = one stream. */
    resource_server: unknown;
    /** Set only by bootstrap for the Management API itself. */
    is_system?: boolean;
  }
>;

export type UpdateResourceServer = DomainCommand<
  'UpdateResourceServer',
  { tenant: string; resource_server_id: string; at: string; changes: unknown }
>;

export type RemoveResourceServer = DomainCommand<
  'RemoveResourceServer',
  { tenant: string; resource_server_id: string; at: string }
>;

export type ResourceServerCommand = CreateResourceServer | UpdateResourceServer | RemoveResourceServer;
