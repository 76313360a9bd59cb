import { Body, Controller, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { RosterError } from '@roster/errors';
import { ResourceServersReader, TenantsReader } from '@roster/read-models';
import { tenantDecider, tenantStream } from '@roster/registry-domain';
import { SecretBox, generateSigningKey } from '@roster/security';
import { CurrentCaller } from '../../auth/caller.decorator';
import { Caller, ManagementAuthGuard } from '../../auth/management-auth.guard';
import { RequireAnyScope } from '../../auth/scopes.decorator';
import { Clock } from '../../infrastructure/clock';
import { RegistrySettings } from '../../infrastructure/registry-settings';
import { WriteModel } from '../../infrastructure/write-model';
import { commandMetadata } from '../command-metadata';

/** Slack on top of the longest token lifetime before a retired key leaves the JWKS (covers verifiers' clock skew). */
const KEY_RETIREMENT_SLACK_SECONDS = 300;

/** `B/api/v2/tenants/settings` and `B/api/v2/keys/signing`. */
@Controller('tenants/:tenant/api/v2')
@UseGuards(ManagementAuthGuard)
export class TenantSettingsController {
  constructor(
    private readonly write: WriteModel,
    private readonly tenants: TenantsReader,
    private readonly resourceServers: ResourceServersReader,
    private readonly box: SecretBox,
    private readonly settings: RegistrySettings,
    private readonly clock: Clock,
  ) {}

  @Get('tenants/settings')
  @RequireAnyScope('read:tenant_settings')
  async read(@Param('tenant') tenant: string): Promise<unknown> {
    const view = await this.tenants.get(tenant);
    if (!view) throw new RosterError('not_found', 'inexistent_tenant', 'Tenant not found');
    return view.settings;
  }

  @Patch('tenants/settings')
  @RequireAnyScope('update:tenant_settings')
  async update(
    @Param('tenant') tenant: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ): Promise<unknown> {
    await this.write.execute(
      tenantStream(tenant),
      tenantDecider,
      { type: 'ChangeTenantSettings', data: { tenant, at: this.clock.isoNow(), changes: body } },
      commandMetadata(caller),
    );
    return this.read(tenant);
  }

  @Get('keys/signing')
  @RequireAnyScope('read:signing_keys')
  async keys(@Param('tenant') tenant: string): Promise<unknown> {
    const view = await this.tenants.get(tenant);
    if (!view) throw new RosterError('not_found', 'inexistent_tenant', 'Tenant not found');
    return view.signing_keys.map((key) => ({
      kid: key.kid,
      current: key.kid === view.signing_key?.kid,
      previous: key.kid !== view.signing_key?.kid,
      revoked: false,
      valid_until: key.valid_until,
      public_jwk: key.public_jwk,
    }));
  }

  /**
   * A new key signs from now on; the previous one stays in the JWKS until every token it signed has expired (the
   * longest token lifetime of the tenant's APIs, plus slack).
   */
  @Post('keys/signing/rotate')
  @HttpCode(201)
  @RequireAnyScope('create:signing_keys', 'update:signing_keys')
  async rotate(@Param('tenant') tenant: string, @CurrentCaller() caller: Caller): Promise<unknown> {
    const key = generateSigningKey(this.box);
    const grace = (await this.longestTokenLifetime(tenant)) + KEY_RETIREMENT_SLACK_SECONDS;
    await this.write.execute(
      tenantStream(tenant),
      tenantDecider,
      {
        type: 'RotateSigningKey',
        data: {
          tenant,
          at: this.clock.isoNow(),
          kid: key.kid,
          public_jwk: key.public_jwk,
          sealed_private_key: key.sealed_private_key,
          previous_key_grace_seconds: grace,
        },
      },
      commandMetadata(caller),
    );
    return { kid: key.kid };
  }

  private async longestTokenLifetime(tenant: string): Promise<number> {
    let longest = this.settings.defaultTokenLifetimeSeconds;
    let from: string | undefined;
    do {
      const page = (await this.resourceServers.list(tenant, { from, take: 100 })) as {
        next?: string;
        resource_servers: Array<{ token_lifetime?: number }>;
      };
      for (const api of page.resource_servers) longest = Math.max(longest, api.token_lifetime ?? 0);
      from = page.next;
    } while (from);
    return longest;
  }
}
