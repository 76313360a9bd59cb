import type { SqlQueryable } from '@roster/sql';
import {
  CheckpointPage,
  CheckpointParams,
  Filters,
  ListParams,
  ListQuery,
  ListResponse,
  checkpointPage,
  listPage,
} from '../paging';
import { CONNECTIONS_TABLE, CONNECTION_CLIENTS_TABLE, ConnectionDocument } from './connections.projection';

/** The Auth0 connection object: the stored document plus the applications that have it enabled. */
export type ConnectionView = ConnectionDocument & { enabled_clients: string[] };

/** `GET /api/v2/connections` filters besides paging. */
export interface ConnectionListParams extends ListParams {
  name?: string;
  strategy?: readonly string[];
}

type ConnectionRow = { doc: ConnectionDocument; enabled_clients: string[] };

const SELECT_VIEW = `c.doc, ARRAY(SELECT cc.client_id FROM ${CONNECTION_CLIENTS_TABLE} cc
  WHERE cc.tenant = c.tenant AND cc.connection_id = c.connection_id ORDER BY cc.client_id) AS enabled_clients`;

const toView = (row: ConnectionRow): ConnectionView => ({ ...row.doc, enabled_clients: row.enabled_clients ?? [] });

export class ConnectionsReader {
  constructor(private readonly db: SqlQueryable) {}

  list(tenant: string, params: ConnectionListParams = {}): Promise<ListResponse<'connections', ConnectionView>> {
    return listPage(this.db, this.connectionQuery(tenant, params), params);
  }

  /** `GET /api/v2/clients/{id}/connections`: the connections enabled for an application, checkpoint-paged. */
  listForClient(
    tenant: string,
    clientId: string,
    params: CheckpointParams & { strategy?: readonly string[] } = {},
  ): Promise<CheckpointPage<'connections', ConnectionView>> {
    return checkpointPage(this.db, this.connectionQuery(tenant, { ...params, enabledFor: clientId }), params);
  }

  async get(tenant: string, connectionId: string): Promise<ConnectionView | null> {
    const { rows } = await this.db.query<ConnectionRow>(
      `SELECT ${SELECT_VIEW} FROM ${CONNECTIONS_TABLE} c WHERE c.tenant = $1 AND c.connection_id = $2`,
      [tenant, connectionId],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  async byName(tenant: string, name: string): Promise<ConnectionView | null> {
    const { rows } = await this.db.query<ConnectionRow>(
      `SELECT ${SELECT_VIEW} FROM ${CONNECTIONS_TABLE} c WHERE c.tenant = $1 AND c.name = $2 ORDER BY c.created_position LIMIT 1`,
      [tenant, name],
    );
    return rows[0] ? toView(rows[0]) : null;
  }

  /** `GET /api/v2/connections/{id}/clients`: `{clients: [{client_id}], next?}`, ordered by client id. */
  clientsOf(
    tenant: string,
    connectionId: string,
    params: CheckpointParams = {},
  ): Promise<CheckpointPage<'clients', { client_id: string }>> {
    return checkpointPage(
      this.db,
      {
        key: 'clients',
        select: 'client_id',
        from: CONNECTION_CLIENTS_TABLE,
        where: ['tenant = $1', 'connection_id = $2'],
        params: [tenant, connectionId],
        cursor: { column: 'client_id', type: 'text' },
        map: (row: { client_id: string }) => ({ client_id: row.client_id }),
      },
      params,
    );
  }

  /** Every connection id of the tenant, oldest first (a new application gets them all enabled). */
  async allIds(tenant: string): Promise<string[]> {
    const { rows } = await this.db.query<{ connection_id: string }>(
      `SELECT connection_id FROM ${CONNECTIONS_TABLE} WHERE tenant = $1 ORDER BY created_position`,
      [tenant],
    );
    return rows.map((r) => r.connection_id);
  }

  /** Auth0's domain connections: the ones dynamically registered (third-party) applications may use. */
  async domainIds(tenant: string): Promise<string[]> {
    const { rows } = await this.db.query<{ connection_id: string }>(
      `SELECT connection_id FROM ${CONNECTIONS_TABLE}
        WHERE tenant = $1 AND (doc->>'is_domain_connection')::boolean ORDER BY created_position`,
      [tenant],
    );
    return rows.map((r) => r.connection_id);
  }

  private connectionQuery(
    tenant: string,
    filters: { name?: string; strategy?: readonly string[]; enabledFor?: string },
  ): ListQuery<ConnectionRow, ConnectionView> & { key: 'connections' } {
    const { where, params } = new Filters()
      .add(tenant, (p) => `c.tenant = ${p}`)
      .add(filters.name, (p) => `c.name = ${p}`)
      .add(filters.strategy?.length ? filters.strategy : undefined, (p) => `c.strategy = ANY(${p}::text[])`)
      .add(
        filters.enabledFor,
        (p) => `EXISTS (SELECT 1 FROM ${CONNECTION_CLIENTS_TABLE} l
          WHERE l.tenant = c.tenant AND l.connection_id = c.connection_id AND l.client_id = ${p})`,
      );
    return {
      key: 'connections',
      select: SELECT_VIEW,
      from: `${CONNECTIONS_TABLE} c`,
      where,
      params,
      cursor: { column: 'c.created_position', type: 'bigint' },
      map: toView,
    };
  }
}
