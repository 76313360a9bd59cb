import type { ApplicationRemoved, ClientGrantEvent, ResourceServerRemoved } from '@roster/registry-domain';
import { defineProjection, positionParam, sql } from '../projection';

const VERSION = 1;
export const CLIENT_GRANTS_TABLE = `rm_client_grants_v${VERSION}`;

/** The Auth0 client grant object. */
export interface ClientGrantDocument {
  id: string;
  client_id: string;
  audience: string;
  scope: string[];
}

/**
 * Client grants (which application may get tokens for which API, with which scopes). A grant goes away with its
 * application or its API, as in Auth0, whether or not a ClientGrantRemoved follows.
 */
export const clientGrantsProjection = defineProjection<ClientGrantEvent | ApplicationRemoved | ResourceServerRemoved>({
  name: 'client-grants',
  version: VERSION,
  streamPrefixes: ['client-grant-', 'application-', 'resource-server-'],
  tables: [
    {
      name: CLIENT_GRANTS_TABLE,
      ddl: [
        `CREATE TABLE IF NOT EXISTS ${CLIENT_GRANTS_TABLE} (
          tenant text NOT NULL,
          client_grant_id text NOT NULL,
          client_id text NOT NULL,
          audience text NOT NULL,
          scope text[] NOT NULL,
          created_position bigint NOT NULL,
          updated_position bigint NOT NULL,
          PRIMARY KEY (tenant, client_grant_id)
        )`,
        `CREATE INDEX IF NOT EXISTS ${CLIENT_GRANTS_TABLE}_order ON ${CLIENT_GRANTS_TABLE} (tenant, created_position)`,
        `CREATE INDEX IF NOT EXISTS ${CLIENT_GRANTS_TABLE}_pair ON ${CLIENT_GRANTS_TABLE} (tenant, client_id, audience)`,
        `CREATE INDEX IF NOT EXISTS ${CLIENT_GRANTS_TABLE}_audience ON ${CLIENT_GRANTS_TABLE} (tenant, audience)`,
      ],
    },
  ],
  reducers: {
    // An upsert: the grant id derives from (tenant, client, audience), so a grant created again reuses its stream.
    ClientGrantCreated: (e, event) =>
      sql(
        `INSERT INTO ${CLIENT_GRANTS_TABLE} (tenant, client_grant_id, client_id, audience, scope, created_position, updated_position)
         VALUES ($1, $2, $3, $4, $5::text[], $6, $6)
         ON CONFLICT (tenant, client_grant_id) DO UPDATE SET client_id = EXCLUDED.client_id, audience = EXCLUDED.audience,
           scope = EXCLUDED.scope, created_position = EXCLUDED.created_position, updated_position = EXCLUDED.updated_position`,
        e.tenant,
        e.client_grant_id,
        e.client_id,
        e.audience,
        e.scope,
        positionParam(event.position),
      ),
    ClientGrantScopeChanged: (e, event) =>
      sql(
        `UPDATE ${CLIENT_GRANTS_TABLE} SET scope = $3::text[], updated_position = $4 WHERE tenant = $1 AND client_grant_id = $2`,
        e.tenant,
        e.client_grant_id,
        e.scope,
        positionParam(event.position),
      ),
    ClientGrantRemoved: (e) =>
      sql(`DELETE FROM ${CLIENT_GRANTS_TABLE} WHERE tenant = $1 AND client_grant_id = $2`, e.tenant, e.client_grant_id),
    ApplicationRemoved: (e) =>
      sql(`DELETE FROM ${CLIENT_GRANTS_TABLE} WHERE tenant = $1 AND client_id = $2`, e.tenant, e.client_id),
    ResourceServerRemoved: (e) =>
      sql(`DELETE FROM ${CLIENT_GRANTS_TABLE} WHERE tenant = $1 AND audience = $2`, e.tenant, e.identifier),
  },
});
