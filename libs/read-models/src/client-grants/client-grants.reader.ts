import type { SqlQueryable } from '@roster/sql';
import { Filters, ListParams, ListResponse, listPage } from '../paging';
import { CLIENT_GRANTS_TABLE, ClientGrantDocument } from './client-grants.projection';

/** `GET /api/v2/client-grants` filters besides paging. */
export interface ClientGrantListParams extends ListParams {
  client_id?: string;
  audience?: string;
}

type GrantRow = { client_grant_id: string; client_id: string; audience: string; scope: string[] };

const SELECT = 'client_grant_id, client_id, audience, scope';
const toDocument = (row: GrantRow): ClientGrantDocument => ({
  id: row.client_grant_id,
  client_id: row.client_id,
  audience: row.audience,
  scope: row.scope ?? [],
});

export class ClientGrantsReader {
  constructor(private readonly db: SqlQueryable) {}

  list(
    tenant: string,
    params: ClientGrantListParams = {},
  ): Promise<ListResponse<'client_grants', ClientGrantDocument>> {
    const filters = new Filters()
      .add(tenant, (p) => `tenant = ${p}`)
      .add(params.client_id, (p) => `client_id = ${p}`)
      .add(params.audience, (p) => `audience = ${p}`);
    return listPage(
      this.db,
      {
        key: 'client_grants',
        select: SELECT,
        from: CLIENT_GRANTS_TABLE,
        where: filters.where,
        params: filters.params,
        cursor: { column: 'created_position', type: 'bigint' },
        map: toDocument,
      },
      params,
    );
  }

  async get(tenant: string, clientGrantId: string): Promise<ClientGrantDocument | null> {
    const { rows } = await this.db.query<GrantRow>(
      `SELECT ${SELECT} FROM ${CLIENT_GRANTS_TABLE} WHERE tenant = $1 AND client_grant_id = $2`,
      [tenant, clientGrantId],
    );
    return rows[0] ? toDocument(rows[0]) : null;
  }

  /** The grant of an application for an API (audience), as the token endpoint's client_credentials flow needs. */
  async find(tenant: string, clientId: string, audience: string): Promise<ClientGrantDocument | null> {
    const { rows } = await this.db.query<GrantRow>(
      `SELECT ${SELECT} FROM ${CLIENT_GRANTS_TABLE} WHERE tenant = $1 AND client_id = $2 AND audience = $3
       ORDER BY created_position LIMIT 1`,
      [tenant, clientId, audience],
    );
    return rows[0] ? toDocument(rows[0]) : null;
  }
}
