import type { TenantEvent } from '@roster/registry-domain';
import { changeParams, defineProjection, jsonParam, mergedDoc, positionParam, sql } from '../projection';

const VERSION = 1;
export const TENANTS_TABLE = `rm_tenants_v${VERSION}`;

/**
 * Tenants: settings, and the signing keys. `signing_keys` is a JSON array of `{kid, public_jwk, valid_until}`:
 * the current key (valid_until null) and previous keys still published until their `valid_until`. The sealed
 * private key of the current key sits in its own column; previous private keys are not kept.
 */
export const tenantsProjection = defineProjection<TenantEvent>({
  name: 'tenants',
  version: VERSION,
  streamPrefixes: ['tenant-'],
  tables: [
    {
      name: TENANTS_TABLE,
      ddl: [
        `CREATE TABLE IF NOT EXISTS ${TENANTS_TABLE} (
          tenant text PRIMARY KEY,
          settings jsonb NOT NULL,
          current_kid text,
          sealed_private_key text,
          signing_keys jsonb NOT NULL DEFAULT '[]'::jsonb,
          created_position bigint NOT NULL,
          updated_position bigint NOT NULL,
          created_at timestamptz NOT NULL,
          updated_at timestamptz NOT NULL
        )`,
      ],
    },
  ],
  reducers: {
    TenantCreated: (e, event) =>
      sql(
        `INSERT INTO ${TENANTS_TABLE} (tenant, settings, created_position, updated_position, created_at, updated_at)
         VALUES ($1, $2::jsonb, $3, $3, $4, $4)
         ON CONFLICT (tenant) DO UPDATE SET settings = EXCLUDED.settings, current_kid = NULL, sealed_private_key = NULL,
           signing_keys = '[]'::jsonb, created_position = EXCLUDED.created_position,
           updated_position = EXCLUDED.updated_position, created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
        e.tenant,
        jsonParam(e.settings),
        positionParam(event.position),
        e.at,
      ),
    TenantSettingsChanged: (e, event) =>
      sql(
        `UPDATE ${TENANTS_TABLE} SET settings = ${mergedDoc('settings', 2)}, updated_position = $4, updated_at = $5 WHERE tenant = $1`,
        e.tenant,
        ...changeParams(e.changes),
        positionParam(event.position),
        e.at,
      ),
    // Keeps: the previous key with its end of validity (dropped when it has none: revoked at once), older keys whose
    // end is after this rotation (pruned by event time, not by a clock, so a replay gives the same rows); then the new
    // key as current.
    SigningKeyRotated: (e, event) =>
      sql(
        `UPDATE ${TENANTS_TABLE} SET current_kid = $2, sealed_private_key = $3,
           signing_keys = COALESCE((
             SELECT jsonb_agg(CASE WHEN k->>'kid' = $5::text THEN jsonb_set(k, '{valid_until}', to_jsonb($6::text)) ELSE k END
                              ORDER BY ord)
             FROM jsonb_array_elements(signing_keys) WITH ORDINALITY AS keys(k, ord)
             WHERE k->>'kid' <> $2::text
               AND CASE WHEN k->>'kid' = $5::text THEN $6::text IS NOT NULL
                        ELSE k->>'valid_until' IS NOT NULL AND (k->>'valid_until')::timestamptz > $8::timestamptz END
           ), '[]'::jsonb) || jsonb_build_array(jsonb_build_object('kid', $2::text, 'public_jwk', $4::jsonb, 'valid_until', NULL)),
           updated_position = $7, updated_at = $8
         WHERE tenant = $1`,
        e.tenant,
        e.kid,
        e.sealed_private_key,
        jsonParam(e.public_jwk),
        e.previous_kid,
        e.previous_key_valid_until,
        positionParam(event.position),
        e.at,
      ),
  },
});
