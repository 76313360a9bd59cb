import type {
  ApplicationRegistered,
  ApplicationRemoved,
  ConnectionEvent,
  ConnectionSettings,
  ConnectionStrategy,
  ConnectionsChanged,
} from '@roster/registry-domain';
import { Statement, changeParams, defineProjection, jsonParam, mergedDoc, positionParam, sql } from '../projection';

const VERSION = 1;
export const CONNECTIONS_TABLE = `rm_connections_v${VERSION}`;
export const CONNECTION_CLIENTS_TABLE = `rm_connection_clients_v${VERSION}`;

/** The Auth0 connection object without `enabled_clients` (joined in by the reader). */
export type ConnectionDocument = ConnectionSettings & { id: string; name: string; strategy: ConnectionStrategy };

/**
 * Links applications to the connections they enable, a run of applications in one statement. Links only connections
 * that exist: an application's list may still name a connection removed since (removal is recorded on the
 * connection, not on every application that used it).
 */
const linkExisting = (
  links: readonly { tenant: string; client_id: string; enabled_connections: string[] }[],
): Statement =>
  sql(
    `INSERT INTO ${CONNECTION_CLIENTS_TABLE} (tenant, connection_id, client_id)
     SELECT c.tenant, c.connection_id, r.client_id
       FROM jsonb_to_recordset($1::jsonb) AS r(tenant text, client_id text, enabled_connections text[])
       JOIN ${CONNECTIONS_TABLE} c ON c.tenant = r.tenant AND c.connection_id = ANY(r.enabled_connections)
     ON CONFLICT DO NOTHING`,
    JSON.stringify(
      links.map(({ tenant, client_id, enabled_connections }) => ({ tenant, client_id, enabled_connections })),
    ),
  );

/**
 * Connections, and which applications have each one enabled. The relation is recorded on the application
 * (`enabled_connections`) and read per connection (`enabled_clients`, `GET /connections/{id}/clients`), so this
 * projection follows application events as well.
 */
export const connectionsProjection = defineProjection<
  ConnectionEvent | ApplicationRegistered | ConnectionsChanged | ApplicationRemoved
>({
  name: 'connections',
  version: VERSION,
  streamPrefixes: ['connection-', 'application-'],
  tables: [
    {
      name: CONNECTIONS_TABLE,
      ddl: [
        `CREATE TABLE IF NOT EXISTS ${CONNECTIONS_TABLE} (
          tenant text NOT NULL,
          connection_id text NOT NULL,
          name text NOT NULL,
          strategy text NOT NULL,
          doc jsonb NOT NULL,
          created_position bigint NOT NULL,
          updated_position bigint NOT NULL,
          PRIMARY KEY (tenant, connection_id)
        )`,
        `CREATE INDEX IF NOT EXISTS ${CONNECTIONS_TABLE}_order ON ${CONNECTIONS_TABLE} (tenant, created_position)`,
        `CREATE INDEX IF NOT EXISTS ${CONNECTIONS_TABLE}_name ON ${CONNECTIONS_TABLE} (tenant, name)`,
      ],
    },
    {
      name: CONNECTION_CLIENTS_TABLE,
      ddl: [
        `CREATE TABLE IF NOT EXISTS ${CONNECTION_CLIENTS_TABLE} (
          tenant text NOT NULL,
          connection_id text NOT NULL,
          client_id text NOT NULL,
          PRIMARY KEY (tenant, connection_id, client_id)
        )`,
        `CREATE INDEX IF NOT EXISTS ${CONNECTION_CLIENTS_TABLE}_client ON ${CONNECTION_CLIENTS_TABLE} (tenant, client_id)`,
      ],
    },
  ],
  runReducers: { ApplicationRegistered: (run) => linkExisting(run.map(({ data }) => data)) },
  reducers: {
    ConnectionCreated: (e, event) => {
      const doc: ConnectionDocument = {
        id: e.connection_id,
        name: e.name,
        display_name: e.display_name,
        strategy: e.strategy,
        options: e.options,
        metadata: e.metadata,
        realms: e.realms,
        is_domain_connection: e.is_domain_connection,
      };
      return sql(
        `INSERT INTO ${CONNECTIONS_TABLE} (tenant, connection_id, name, strategy, doc, created_position, updated_position)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $6)
         ON CONFLICT (tenant, connection_id) DO UPDATE SET name = EXCLUDED.name, strategy = EXCLUDED.strategy,
           doc = EXCLUDED.doc, created_position = EXCLUDED.created_position, updated_position = EXCLUDED.updated_position`,
        e.tenant,
        e.connection_id,
        e.name,
        e.strategy,
        jsonParam(doc),
        positionParam(event.position),
      );
    },
    ConnectionSettingsChanged: (e, event) =>
      sql(
        `UPDATE ${CONNECTIONS_TABLE} SET doc = ${mergedDoc('doc', 3)}, updated_position = $5 WHERE tenant = $1 AND connection_id = $2`,
        e.tenant,
        e.connection_id,
        ...changeParams(e.changes),
        positionParam(event.position),
      ),
    ConnectionRemoved: (e) => [
      sql(
        `DELETE FROM ${CONNECTION_CLIENTS_TABLE} WHERE tenant = $1 AND connection_id = $2`,
        e.tenant,
        e.connection_id,
      ),
      sql(`DELETE FROM ${CONNECTIONS_TABLE} WHERE tenant = $1 AND connection_id = $2`, e.tenant, e.connection_id),
    ],
    ApplicationRegistered: (e) => linkExisting([e]),
    ConnectionsChanged: (e) => [
      sql(
        `DELETE FROM ${CONNECTION_CLIENTS_TABLE} WHERE tenant = $1 AND client_id = $2 AND NOT (connection_id = ANY($3::text[]))`,
        e.tenant,
        e.client_id,
        e.enabled_connections,
      ),
      linkExisting([e]),
    ],
    ApplicationRemoved: (e) =>
      sql(`DELETE FROM ${CONNECTION_CLIENTS_TABLE} WHERE tenant = $1 AND client_id = $2`, e.tenant, e.client_id),
  },
});
