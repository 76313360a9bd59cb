import type { AppType, GrantType, TokenEndpointAuthMethod } from '@roster/registry-domain';
import type { SqlQueryable } from '@roster/sql';
import { CONNECTION_CLIENTS_TABLE, CONNECTIONS_TABLE } from '../connections/connections.projection';
import { Filters, ListParams, ListResponse, listPage } from '../paging';
import { toIso } from '../projection';
import { CLIENTS_TABLE, ClientDocument } from './clients.projection';

/** `GET /api/v2/clients` filters besides paging. */
export interface ClientListParams extends ListParams {
  app_type?: readonly string[];
  is_first_party?: boolean;
  is_global?: boolean;
}

/** What the token endpoint needs to authenticate a client: hashes only, never a secret. */
export interface ClientCredentials {
  tenant: string;
  client_id: string;
  name: string;
  app_type: AppType;
  is_first_party: boolean;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  grant_types: GrantType[];
  secret_hash: string | null;
  previous_secret_hash: string | null;
  /** ISO time; the previous hash is accepted only before it. */
  previous_secret_valid_until: string | null;
}

export class ClientsReader {
  constructor(private readonly db: SqlQueryable) {}

  list(tenant: string, params: ClientListParams = {}): Promise<ListResponse<'clients', ClientDocument>> {
    const filters = new Filters()
      .add(tenant, (p) => `tenant = ${p}`)
      .add(params.app_type?.length ? params.app_type : undefined, (p) => `app_type = ANY(${p}::text[])`)
      .add(params.is_first_party, (p) => `is_first_party = ${p}::boolean`)
      .add(params.is_global, (p) => `global = ${p}::boolean`);
    return listPage(
      this.db,
      {
        key: 'clients',
        select: 'doc',
        from: CLIENTS_TABLE,
        where: filters.where,
        params: filters.params,
        cursor: { column: 'created_position', type: 'bigint' },
        map: (row: { doc: ClientDocument }) => row.doc,
      },
      params,
    );
  }

  async get(tenant: string, clientId: string): Promise<ClientDocument | null> {
    const { rows } = await this.db.query<{ doc: ClientDocument }>(
      `SELECT doc FROM ${CLIENTS_TABLE} WHERE tenant = $1 AND client_id = $2`,
      [tenant, clientId],
    );
    return rows[0]?.doc ?? null;
  }

  async credentials(tenant: string, clientId: string): Promise<ClientCredentials | null> {
    const { rows } = await this.db.query<{
      name: string;
      app_type: AppType;
      is_first_party: boolean;
      token_endpoint_auth_method: TokenEndpointAuthMethod;
      grant_types: GrantType[];
      secret_hash: string | null;
      previous_secret_hash: string | null;
      previous_secret_valid_until: unknown;
    }>(
      `SELECT name, app_type, is_first_party, doc->>'token_endpoint_auth_method' AS token_endpoint_auth_method,
              doc->'grant_types' AS grant_types, secret_hash, previous_secret_hash, previous_secret_valid_until
       FROM ${CLIENTS_TABLE} WHERE tenant = $1 AND client_id = $2`,
      [tenant, clientId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      tenant,
      client_id: clientId,
      name: row.name,
      app_type: row.app_type,
      is_first_party: row.is_first_party,
      token_endpoint_auth_method: row.token_endpoint_auth_method,
      grant_types: row.grant_types ?? [],
      secret_hash: row.secret_hash,
      previous_secret_hash: row.previous_secret_hash,
      previous_secret_valid_until: toIso(row.previous_secret_valid_until),
    };
  }

  /** Ids of the connections enabled for the application, oldest connection first. */
  async connectionIdsOf(tenant: string, clientId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ connection_id: string }>(
      `SELECT cc.connection_id FROM ${CONNECTION_CLIENTS_TABLE} cc
       JOIN ${CONNECTIONS_TABLE} c ON c.tenant = cc.tenant AND c.connection_id = cc.connection_id
       WHERE cc.tenant = $1 AND cc.client_id = $2 ORDER BY c.created_position`,
      [tenant, clientId],
    );
    return rows.map((r) => r.connection_id);
  }

  async exists(tenant: string, clientId: string): Promise<boolean> {
    const { rows } = await this.db.query(`SELECT 1 FROM ${CLIENTS_TABLE} WHERE tenant = $1 AND client_id = $2`, [
      tenant,
      clientId,
    ]);
    return rows.length > 0;
  }

  /** How many dynamically registered applications the tenant holds, counted up to `atMost` (the cap being checked). */
  async countDynamicallyRegistered(tenant: string, atMost: number): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${CLIENTS_TABLE}
         WHERE tenant = $1 AND origin = 'dynamic_registration' LIMIT $2) registered`,
      [tenant, atMost],
    );
    return rows[0].n;
  }
}
