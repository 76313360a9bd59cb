import { RosterError } from '@roster/errors';
import {
  applicationDecider,
  applicationStream,
  clientGrantDecider,
  clientGrantId,
  clientGrantStream,
  connectionDecider,
  connectionStream,
  resourceServerDecider,
  resourceServerId,
  resourceServerStream,
  tenantDecider,
  tenantStream,
} from '@roster/registry-domain';
import {
  SecretBox,
  SecretHasher,
  generateClientId,
  generateClientSecret,
  generateId,
  generateSigningKey,
} from '@roster/security';
import { tenantBaseUrl } from '@roster/config';
import { managementAudience, managementScopesFor } from '../auth/management-scopes';
import { CommandMetadata } from '../infrastructure/aggregate-repository';
import { Clock } from '../infrastructure/clock';
import { RegistrySettings } from '../infrastructure/registry-settings';
import { WriteModel } from '../infrastructure/write-model';

export const DEFAULT_CONNECTION_NAME = 'Username-Password-Authentication';
export const ADMIN_APPLICATION_NAME = 'Bootstrap Admin';

/** What an operator gets back for a new tenant: the admin application's credentials, shown once. */
export interface TenantAdminCredentials {
  tenant: string;
  client_id: string;
  client_secret: string;
  token_endpoint: string;
  audience: string;
}

/**
 * Creates a tenant ready to use, as the bootstrap does for `default`: the tenant with its first signing key, the
 * database connection `Username-Password-Authentication`, the Management API (a system API), and the `Bootstrap Admin`
 * machine-to-machine application with a client grant for every Management API scope.
 */
export class TenantProvisioner {
  constructor(
    private readonly write: WriteModel,
    private readonly hasher: SecretHasher,
    private readonly box: SecretBox,
    private readonly settings: RegistrySettings,
    private readonly clock: Clock,
  ) {}

  async provision(
    tenant: string,
    metadata: CommandMetadata,
    credentials?: { clientId: string; clientSecret: string },
  ): Promise<TenantAdminCredentials> {
    const at = this.clock.isoNow();
    const base = tenantBaseUrl(this.settings, tenant);
    const audience = managementAudience(base);
    const key = generateSigningKey(this.box);

    await this.write.execute(
      tenantStream(tenant),
      tenantDecider,
      { type: 'CreateTenant', data: { tenant, at } },
      metadata,
    );
    await this.write.execute(
      tenantStream(tenant),
      tenantDecider,
      {
        type: 'RotateSigningKey',
        data: { tenant, at, kid: key.kid, public_jwk: key.public_jwk, sealed_private_key: key.sealed_private_key },
      },
      metadata,
    );

    const connectionId = generateId('con_');
    await this.write.execute(
      connectionStream(tenant, connectionId),
      connectionDecider,
      {
        type: 'CreateConnection',
        data: {
          tenant,
          connection_id: connectionId,
          at,
          connection: { name: DEFAULT_CONNECTION_NAME, strategy: 'auth0' },
        },
      },
      metadata,
    );

    const scopes = managementScopesFor(tenant);
    const apiId = resourceServerId(tenant, audience);
    await this.write.execute(
      resourceServerStream(tenant, apiId),
      resourceServerDecider,
      {
        type: 'CreateResourceServer',
        data: {
          tenant,
          resource_server_id: apiId,
          at,
          is_system: true,
          resource_server: {
            name: 'Management API',
            identifier: audience,
            scopes: scopes.map((value) => ({ value, description: value })),
          },
        },
      },
      metadata,
    );

    const clientId = credentials?.clientId ?? generateClientId();
    const clientSecret = credentials?.clientSecret ?? generateClientSecret();
    await this.write.execute(
      applicationStream(tenant, clientId),
      applicationDecider,
      {
        type: 'RegisterApplication',
        data: {
          tenant,
          client_id: clientId,
          at,
          origin: 'bootstrap',
          settings: { name: ADMIN_APPLICATION_NAME, app_type: 'non_interactive', grant_types: ['client_credentials'] },
          secret_hash: this.hasher.hash(clientSecret),
          enabled_connections: [connectionId],
        },
      },
      metadata,
    );

    const grantId = clientGrantId(tenant, clientId, audience);
    await this.write.execute(
      clientGrantStream(tenant, grantId),
      clientGrantDecider,
      {
        type: 'CreateClientGrant',
        data: {
          tenant,
          client_grant_id: grantId,
          at,
          client_id: clientId,
          audience,
          scope: scopes,
          available_scopes: scopes,
        },
      },
      metadata,
    );
    return {
      tenant,
      client_id: clientId,
      client_secret: clientSecret,
      token_endpoint: `${base}/oauth/token`,
      audience,
    };
  }

  async exists(tenant: string): Promise<boolean> {
    const { state } = await this.write.load(tenantStream(tenant), tenantDecider);
    return state.status !== 'absent';
  }
}

export const tenantExistsError = (tenant: string) =>
  new RosterError('conflict', 'tenant_exists', `Tenant ${tenant} already exists`);
