import { Body, Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { RosterError } from '@roster/errors';
import { TenantsReader } from '@roster/read-models';
import { CurrentCaller } from '../../auth/caller.decorator';
import { Caller, ManagementAuthGuard } from '../../auth/management-auth.guard';
import { OperatorTenantGuard } from '../../auth/operator-tenant.guard';
import { RequireAnyScope } from '../../auth/scopes.decorator';
import { TenantAdminCredentials, TenantProvisioner, tenantExistsError } from '../../tenancy/tenant-provisioner';
import { commandMetadata } from '../command-metadata';

const TENANT_NAME = /^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/;

/**
 * The platform operator's API, served only on the operator tenant `default`: `POST B/api/v2/tenants {"name"}` creates a
 * tenant provisioned like `default` and answers once with its admin application's credentials; `GET` lists tenants.
 */
@Controller('tenants/:tenant/api/v2/tenants')
@UseGuards(OperatorTenantGuard, ManagementAuthGuard)
export class TenantsController {
  constructor(
    private readonly provisioner: TenantProvisioner,
    private readonly tenants: TenantsReader,
  ) {}

  @Get()
  @RequireAnyScope('read:tenants')
  async list(): Promise<unknown> {
    return (await this.tenants.list()).map((t) => ({ name: t.tenant, friendly_name: t.settings.friendly_name }));
  }

  @Post()
  @HttpCode(201)
  @RequireAnyScope('create:tenants')
  async create(@Body() body: unknown, @CurrentCaller() caller: Caller): Promise<TenantAdminCredentials> {
    const name = (body as { name?: unknown } | null)?.name;
    const keys = body !== null && typeof body === 'object' ? Object.keys(body) : [];
    if (typeof name !== 'string' || !TENANT_NAME.test(name) || keys.some((k) => k !== 'name')) {
      throw new RosterError(
        'validation',
        'invalid_body',
        "Payload validation error: 'name' must be 3 to 63 characters of a-z, 0-9 and -, starting and ending with a letter or digit, and the only property",
      );
    }
    if (await this.provisioner.exists(name)) throw tenantExistsError(name);
    return this.provisioner.provision(name, commandMetadata(caller));
  }
}
