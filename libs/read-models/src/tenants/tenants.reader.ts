import type { PublicSigningJwk, TenantSettings } from '@roster/registry-domain';
import type { SqlQueryable } from '@roster/sql';
import { TENANTS_TABLE } from './tenants.projection';

export interface PublishedSigningKey {
  kid: string;
  public_jwk: PublicSigningJwk;
  /** ISO time after which the key is no longer published; null for the current key. */
  valid_until: string | null;
}

export interface TenantView {
  tenant: string;
  settings: TenantSettings;
  /** The key new tokens are signed with; its private half is sealed (see @roster/security). Null before the first rotation. */
  signing_key: { kid: string; public_jwk: PublicSigningJwk; sealed_private_key: string } | null;
  /** Current key and previous keys still published, oldest first (expired ones are filtered by the JWKS reader). */
  signing_keys: PublishedSigningKey[];
}

type TenantRow = {
  tenant: string;
  settings: TenantSettings;
  current_kid: string | null;
  sealed_private_key: string | null;
  signing_keys: PublishedSigningKey[];
};

const SELECT = 'tenant, settings, current_kid, sealed_private_key, signing_keys';

const toView = (row: TenantRow): TenantView => {
  const current = row.signing_keys.find((k) => k.kid === row.current_kid);
  return {
    tenant: row.tenant,
    settings: row.settings,
    signing_key:
      current && row.sealed_private_key !== null
        ? { kid: current.kid, public_jwk: current.public_jwk, sealed_private_key: row.sealed_private_key }
        : null,
    signing_keys: row.signing_keys,
  };
};

export class TenantsReader {
  constructor(private readonly db: SqlQueryable) {}

  async get(tenant: string): Promise<TenantView | null> {
    const { rows } = await this.db.query<TenantRow>(`SELECT ${SELECT} FROM ${TENANTS_TABLE} WHERE tenant = $1`, [
      tenant,
    ]);
    return rows[0] ? toView(rows[0]) : null;
  }

  /** Every tenant, oldest first. */
  async list(): Promise<TenantView[]> {
    const { rows } = await this.db.query<TenantRow>(`SELECT ${SELECT} FROM ${TENANTS_TABLE} ORDER BY created_position`);
    return rows.map(toView);
  }

  /** The tenant's JWKS document at `now`: the current key and previous keys not yet past their end. */
  async jwks(tenant: string, now: Date): Promise<{ keys: PublicSigningJwk[] } | null> {
    const view = await this.get(tenant);
    if (!view) return null;
    return {
      keys: view.signing_keys
        .filter((k) => k.valid_until === null || Date.parse(k.valid_until) > now.getTime())
        .map((k) => k.public_jwk),
    };
  }
}
