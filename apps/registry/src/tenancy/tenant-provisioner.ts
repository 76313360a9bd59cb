import { createHash } from 'crypto';
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
import type { Decider } from '@roster/registry-domain';
import { SecretBox, SecretHasher, generateClientSecret, generateSigningKey } from '@roster/security';
import { tenantBaseUrl } from '@roster/config';
import { managementAudience, managementScopesFor } from '../auth/management-scopes';
import { CommandMetadata } from '../infrastructure/aggregate-repository';
import { Clock } from '../infrastructure/clock';
import { RegistrySettings } from '../infrastructure/registry-settings';
import { WriteModel } from '../infrastructure/write-model';

/** A stable id for what provisioning creates, so a retry finds it: 32 base64url characters of a SHA-256. */
const derivedId = (tenant: string, ...parts: string[]): string =>
  createHash('sha256')
    .update(JSON.stringify(['roster-provisioning', tenant, ...parts]))
    .digest('base64url')
    .slice(0, 32)
    .replace(/[-_]/g, 'x');

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
 * Creates a tenant ready to use, as the bootstrap does for `default`: the database connection
 * `Username-Password-Authentication`, the Management API (a system API), the `Bootstrap Admin` machine-to-machine
 * application with a client grant for every Management API scope, and the tenant with its first signing key.
 *
 * Resumable: every step is skipped when already done, ids are derived from the tenant (so a retry finds what an
 * interrupted run made), and the tenant itself is created last, so "the tenant exists" means "provisioning finished".
 * A retry after a crash gives the admin application a new secret, since the earlier one may never have been seen.
 */
export class TenantProvisioner {
  constructor(
    private readonly write: WriteModel,
    private readonly hasher: SecretHasher,
    private readonly box: SecretBox,
    private readonly settings: RegistrySettings,
    private readonly clock: Clock,
  ) {}

  /**
   * `beforeCompletion` runs once the admin credentials are final and before the tenant is created: the bootstrap
   * saves them there, so that a finished tenant always has its credentials on disk.
   */
  async provision(
    tenant: string,
    metadata: CommandMetadata,
    credentials?: { clientId: string; clientSecret: string },
    beforeCompletion: (credentials: TenantAdminCredentials) => Promise<void> = async () => undefined,
  ): Promise<TenantAdminCredentials> {
    const at = this.clock.isoNow();
    const base = tenantBaseUrl(this.settings, tenant);
    const audience = managementAudience(base);
    const scopes = managementScopesFor(tenant);

    const connectionId = `con_${derivedId(tenant, 'connection', DEFAULT_CONNECTION_NAME).slice(0, 16)}`;
    await this.once(connectionStream(tenant, connectionId), connectionDecider, metadata, {
      type: 'CreateConnection',
      data: {
        tenant,
        connection_id: connectionId,
        at,
        connection: { name: DEFAULT_CONNECTION_NAME, strategy: 'auth0' },
      },
    });

    const apiId = resourceServerId(tenant, audience);
    await this.once(resourceServerStream(tenant, apiId), resourceServerDecider, metadata, {
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
    });

    const clientId = credentials?.clientId ?? derivedId(tenant, 'bootstrap-admin');
    const clientSecret = credentials?.clientSecret ?? generateClientSecret();
    const secretHash = this.hasher.hash(clientSecret);
    const registered = await this.once(applicationStream(tenant, clientId), applicationDecider, metadata, {
      type: 'RegisterApplication',
      data: {
        tenant,
        client_id: clientId,
        at,
        origin: 'bootstrap',
        settings: { name: ADMIN_APPLICATION_NAME, app_type: 'non_interactive', grant_types: ['client_credentials'] },
        secret_hash: secretHash,
        enabled_connections: [connectionId],
      },
    });
    if (!registered) {
      // An interrupted run registered it with a secret nobody may have: this run's secret replaces it.
      await this.write.execute(
        applicationStream(tenant, clientId),
        applicationDecider,
        { type: 'RotateSecret', data: { tenant, client_id: clientId, at, secret_hash: secretHash } },
        metadata,
      );
    }

    const grantId = clientGrantId(tenant, clientId, audience);
    await this.once(clientGrantStream(tenant, grantId), clientGrantDecider, metadata, {
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
    });

    const admin = {
      tenant,
      client_id: clientId,
      client_secret: clientSecret,
      token_endpoint: `${base}/oauth/token`,
      audience,
    };
    await beforeCompletion(admin);

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
    return admin;
  }

  /** Runs `command` unless the stream already holds its aggregate; says whether it ran. */
  private async once<
    Command,
    Event extends { type: string; data: Record<string, unknown> },
    State extends { status: string },
  >(
    streamId: string,
    decider: Decider<Command, Event, State>,
    metadata: CommandMetadata,
    command: Command,
  ): Promise<boolean> {
    if ((await this.write.load<State>(streamId, decider)).state.status !== 'absent') return false;
    await this.write.execute(streamId, decider, command, metadata);
    return true;
  }

  async exists(tenant: string): Promise<boolean> {
    const { state } = await this.write.load(tenantStream(tenant), tenantDecider);
    return state.status !== 'absent';
  }
}

export const tenantExistsError = (tenant: string) =>
  new RosterError('conflict', 'tenant_exists', `Tenant ${tenant} already exists`);
