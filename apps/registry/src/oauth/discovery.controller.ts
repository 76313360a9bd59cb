import { Controller, Get, Param } from '@nestjs/common';
import { RosterError } from '@roster/errors';
import { tenantBaseUrl } from '@roster/config';
import { RegistrySettings } from '../infrastructure/registry-settings';
import { TenantKeys } from '../tenancy/tenant-keys';

const unknownTenant = () => new RosterError('not_found', 'inexistent_tenant', 'Tenant not found');

/** OpenID Provider metadata and the tenant's public keys. */
@Controller('tenants/:tenant/.well-known')
export class DiscoveryController {
  constructor(
    private readonly keys: TenantKeys,
    private readonly settings: RegistrySettings,
  ) {}

  @Get('openid-configuration')
  async configuration(@Param('tenant') tenant: string): Promise<object> {
    if (!(await this.keys.ring(tenant)).exists) throw unknownTenant();
    const base = tenantBaseUrl(this.settings, tenant);
    return {
      issuer: `${base}/`,
      token_endpoint: `${base}/oauth/token`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      registration_endpoint: `${base}/oidc/register`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      response_types_supported: ['code', 'token', 'id_token', 'code id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      token_endpoint_auth_signing_alg_values_supported: ['ES256'],
      scopes_supported: ['openid'],
    };
  }

  @Get('jwks.json')
  async jwks(@Param('tenant') tenant: string): Promise<object> {
    const jwks = await this.keys.jwks(tenant);
    if (!jwks) throw unknownTenant();
    return jwks;
  }
}
