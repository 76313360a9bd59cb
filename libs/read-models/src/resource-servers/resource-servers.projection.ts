import type { ResourceServerEvent, ResourceServerScope } from '@roster/registry-domain';
import { changeParams, defineProjection, jsonParam, mergedDoc, positionParam, sql } from '../projection';

const VERSION = 1;
export const RESOURCE_SERVERS_TABLE = `rm_resource_servers_v${VERSION}`;

/** The Auth0 resource server (API) object. */
export interface ResourceServerDocument {
  id: string;
  name: string;
  identifier: string;
  scopes: ResourceServerScope[];
  signing_alg: 'ES256';
  token_lifetime: number;
  allow_offline_access: boolean;
  skip_consent_for_verifiable_first_party_clients: boolean;
  is_system: boolean;
}

/** Resource servers (APIs), the audiences tokens are issued for. */
export const resourceServersProjection = defineProjection<ResourceServerEvent>({
  name: 'resource-servers',
  version: VERSION,
  streamPrefixes: ['resource-server-'],
  tables: [
    {
      name: RESOURCE_SERVERS_TABLE,
      ddl: [
        `CREATE TABLE IF NOT EXISTS ${RESOURCE_SERVERS_TABLE} (
          tenant text NOT NULL,
          resource_server_id text NOT NULL,
          identifier text NOT NULL,
          name text NOT NULL,
          is_system boolean NOT NULL,
          doc jsonb NOT NULL,
          created_position bigint NOT NULL,
          updated_position bigint NOT NULL,
          PRIMARY KEY (tenant, resource_server_id)
        )`,
        `CREATE INDEX IF NOT EXISTS ${RESOURCE_SERVERS_TABLE}_order ON ${RESOURCE_SERVERS_TABLE} (tenant, created_position)`,
        `CREATE INDEX IF NOT EXISTS ${RESOURCE_SERVERS_TABLE}_identifier ON ${RESOURCE_SERVERS_TABLE} (tenant, identifier)`,
      ],
    },
  ],
  reducers: {
    ResourceServerCreated: (e, event) => {
      const doc: ResourceServerDocument = {
        id: e.resource_server_id,
        name: e.name,
        identifier: e.identifier,
        scopes: e.scopes,
        signing_alg: e.signing_alg,
        token_lifetime: e.token_lifetime,
        allow_offline_access: e.allow_offline_access,
        skip_consent_for_verifiable_first_party_clients: e.skip_consent_for_verifiable_first_party_clients,
        is_system: e.is_system,
      };
      return sql(
        `INSERT INTO ${RESOURCE_SERVERS_TABLE} (tenant, resource_server_id, identifier, name, is_system, doc, created_position, updated_position)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $7)
         ON CONFLICT (tenant, resource_server_id) DO UPDATE SET identifier = EXCLUDED.identifier, name = EXCLUDED.name,
           is_system = EXCLUDED.is_system, doc = EXCLUDED.doc, created_position = EXCLUDED.created_position,
           updated_position = EXCLUDED.updated_position`,
        e.tenant,
        e.resource_server_id,
        e.identifier,
        e.name,
        e.is_system,
        jsonParam(doc),
        positionParam(event.position),
      );
    },
    ResourceServerSettingsChanged: (e, event) => {
      const doc = mergedDoc('doc', 3);
      return sql(
        `UPDATE ${RESOURCE_SERVERS_TABLE} SET doc = ${doc}, name = ${doc}->>'name', updated_position = $5
         WHERE tenant = $1 AND resource_server_id = $2`,
        e.tenant,
        e.resource_server_id,
        ...changeParams(e.changes),
        positionParam(event.position),
      );
    },
    ResourceServerRemoved: (e) =>
      sql(
        `DELETE FROM ${RESOURCE_SERVERS_TABLE} WHERE tenant = $1 AND resource_server_id = $2`,
        e.tenant,
        e.resource_server_id,
      ),
  },
});
