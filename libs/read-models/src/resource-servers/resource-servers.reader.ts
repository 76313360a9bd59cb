import type { SqlQueryable } from '@roster/sql';
import { Filters, ListParams, ListResponse, listPage } from '../paging';
import { RESOURCE_SERVERS_TABLE, ResourceServerDocument } from './resource-servers.projection';

type DocRow = { doc: ResourceServerDocument };

export class ResourceServersReader {
  constructor(private readonly db: SqlQueryable) {}

  list(tenant: string, params: ListParams = {}): Promise<ListResponse<'resource_servers', ResourceServerDocument>> {
    const filters = new Filters().add(tenant, (p) => `tenant = ${p}`);
    return listPage(
      this.db,
      {
        key: 'resource_servers',
        select: 'doc',
        from: RESOURCE_SERVERS_TABLE,
        where: filters.where,
        params: filters.params,
        cursor: { column: 'created_position', type: 'bigint' },
        map: (row: DocRow) => row.doc,
      },
      params,
    );
  }

  async get(tenant: string, resourceServerId: string): Promise<ResourceServerDocument | null> {
    const { rows } = await this.db.query<DocRow>(
      `SELECT doc FROM ${RESOURCE_SERVERS_TABLE} WHERE tenant = $1 AND resource_server_id = $2`,
      [tenant, resourceServerId],
    );
    return rows[0]?.doc ?? null;
  }

  /** The API a token request names as `audience`. */
  async byIdentifier(tenant: string, identifier: string): Promise<ResourceServerDocument | null> {
    const { rows } = await this.db.query<DocRow>(
      `SELECT doc FROM ${RESOURCE_SERVERS_TABLE} WHERE tenant = $1 AND identifier = $2 ORDER BY created_position LIMIT 1`,
      [tenant, identifier],
    );
    return rows[0]?.doc ?? null;
  }
}
