import type {
  ApplicationEvent,
  ClientSettings,
  ConnectionsChanged,
  RegistrationChanged,
} from '@roster/registry-domain';
import {
  Reduced,
  Statement,
  changeParams,
  defineProjection,
  lastPerKey,
  mergedDoc,
  positionParam,
  sql,
} from '../projection';

const VERSION = 1;
export const CLIENTS_TABLE = `rm_clients_v${VERSION}`;

/** The Auth0 client object as `GET /api/v2/clients/{id}` returns it (never with the secret). */
export type ClientDocument = ClientSettings & { client_id: string; tenant: string; global: false };

/** The one place that turns an application's settings into the Auth0 client object (projection and registry alike). */
export const clientDocument = (tenant: string, clientId: string, settings: ClientSettings): ClientDocument => ({
  tenant,
  global: false,
  ...settings,
  client_id: clientId,
});

const REGISTERED_ROW = `tenant text, client_id text, name text, app_type text, is_first_party boolean, origin text,
  doc jsonb, secret_hash text, position bigint, at timestamptz`;

/**
 * Registrations as upserts, a run in one statement: an application removed and registered again under the same id
 * (bootstrap) starts afresh.
 */
const registerClients = (run: readonly Reduced<ApplicationEvent, 'ApplicationRegistered'>[]): Statement => {
  const rows = lastPerKey(run, ({ data }) => JSON.stringify([data.tenant, data.client_id])).map(({ data, event }) => ({
    tenant: data.tenant,
    client_id: data.client_id,
    name: data.settings.name,
    app_type: data.settings.app_type,
    is_first_party: data.settings.is_first_party,
    origin: data.origin,
    doc: clientDocument(data.tenant, data.client_id, data.settings),
    secret_hash: data.secret_hash,
    position: positionParam(event.position),
    at: data.at,
  }));
  return sql(
    `INSERT INTO ${CLIENTS_TABLE} (tenant, client_id, name, app_type, is_first_party, origin, doc, secret_hash,
       previous_secret_hash, previous_secret_valid_until, created_position, updated_position, created_at, updated_at)
     SELECT tenant, client_id, name, app_type, is_first_party, origin, doc, secret_hash, NULL, NULL, position, position,
       at, at
     FROM jsonb_to_recordset($1::jsonb) AS r(${REGISTERED_ROW})
     ON CONFLICT (tenant, client_id) DO UPDATE SET name = EXCLUDED.name, app_type = EXCLUDED.app_type,
       is_first_party = EXCLUDED.is_first_party, origin = EXCLUDED.origin, doc = EXCLUDED.doc,
       secret_hash = EXCLUDED.secret_hash, previous_secret_hash = NULL, previous_secret_valid_until = NULL,
       created_position = EXCLUDED.created_position, updated_position = EXCLUDED.updated_position,
       created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
    JSON.stringify(rows),
  );
};

/**
 * Applications (Auth0 clients). `doc` holds the Auth0 client object; the columns beside it serve filters, ordering
 * and the token endpoint's credential check. Which connections an application uses is kept by the connections
 * projection (`rm_connection_clients_v1`), the only place that also sees connections being removed.
 */
export const clientsProjection = defineProjection<Exclude<ApplicationEvent, ConnectionsChanged | RegistrationChanged>>({
  name: 'clients',
  version: VERSION,
  streamPrefixes: ['application-'],
  tables: [
    {
      name: CLIENTS_TABLE,
      ddl: [
        `CREATE TABLE IF NOT EXISTS ${CLIENTS_TABLE} (
          tenant text NOT NULL,
          client_id text NOT NULL,
          name text NOT NULL,
          app_type text NOT NULL,
          is_first_party boolean NOT NULL,
          global boolean NOT NULL DEFAULT false,
          origin text NOT NULL,
          doc jsonb NOT NULL,
          secret_hash text,
          previous_secret_hash text,
          previous_secret_valid_until timestamptz,
          created_position bigint NOT NULL,
          updated_position bigint NOT NULL,
          created_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL,
          PRIMARY KEY (tenant, client_id)
        )`,
        `CREATE INDEX IF NOT EXISTS ${CLIENTS_TABLE}_order ON ${CLIENTS_TABLE} (tenant, created_position)`,
        // Counts the tenant's dynamically registered applications against its cap.
        `CREATE INDEX IF NOT EXISTS ${CLIENTS_TABLE}_dynamic ON ${CLIENTS_TABLE} (tenant) WHERE origin = 'dynamic_registration'`,
      ],
    },
  ],
  runReducers: { ApplicationRegistered: (run) => registerClients(run) },
  reducers: {
    ApplicationRegistered: (e, event) => registerClients([{ data: e, event }]),
    ApplicationSettingsChanged: (e, event) => {
      const doc = mergedDoc('doc', 3);
      return sql(
        `UPDATE ${CLIENTS_TABLE} SET doc = ${doc}, name = ${doc}->>'name', app_type = ${doc}->>'app_type',
           is_first_party = (${doc}->>'is_first_party')::boolean, updated_position = $5, updated_at = $6
         WHERE tenant = $1 AND client_id = $2`,
        e.tenant,
        e.client_id,
        ...changeParams(e.changes),
        positionParam(event.position),
        e.at,
      );
    },
    SecretRotated: (e, event) =>
      sql(
        `UPDATE ${CLIENTS_TABLE} SET secret_hash = $3, previous_secret_hash = $4, previous_secret_valid_until = $5,
           updated_position = $6, updated_at = $7
         WHERE tenant = $1 AND client_id = $2`,
        e.tenant,
        e.client_id,
        e.secret_hash,
        // Without an end of validity the old secret is revoked at once: keep no hash that could still match.
        e.previous_secret_valid_until === null ? null : e.previous_secret_hash,
        e.previous_secret_valid_until,
        positionParam(event.position),
        e.at,
      ),
    ApplicationRemoved: (e) =>
      sql(`DELETE FROM ${CLIENTS_TABLE} WHERE tenant = $1 AND client_id = $2`, e.tenant, e.client_id),
  },
});
