import { QueryValidation } from '../../http/validation.pipe';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RosterError } from '@roster/errors';
import { ClientGrantsReader } from '@roster/read-models';
import { tenantBaseUrl } from '@roster/config';
import {
  ApplicationState,
  applicationDecider,
  applicationStream,
  ClientGrantState,
  ResourceServerState,
  clientGrantDecider,
  clientGrantId,
  clientGrantStream,
  resourceServerDecider,
  resourceServerId,
  resourceServerStream,
} from '@roster/registry-domain';
import { CurrentCaller } from '../../auth/caller.decorator';
import { Caller, ManagementAuthGuard } from '../../auth/management-auth.guard';
import { RequireAnyScope } from '../../auth/scopes.decorator';
import { managementAudience } from '../../auth/management-scopes';
import { CommandMetadata } from '../../infrastructure/aggregate-repository';
import { RegistrySettings } from '../../infrastructure/registry-settings';
import { Clock } from '../../infrastructure/clock';
import { WriteModel } from '../../infrastructure/write-model';
import { commandMetadata } from '../command-metadata';
import { ClientGrantListQueryDto, pagingOf, selectFieldsOfList } from '../list-query.dto';

const NOT_FOUND = () => new RosterError('not_found', 'inexistent_client_grant', 'The client grant does not exist');

type ClientGrantChange =
  { kind: 'create'; body: unknown } | { kind: 'update'; id: string; body: unknown } | { kind: 'remove'; id: string };

export class ChangeClientGrantCommand extends Command<unknown> {
  constructor(
    readonly tenant: string,
    readonly change: ClientGrantChange,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Client grants: which scopes of which API an application may get with client_credentials. One stream per
 * (application, API), so a second grant for the same pair conflicts (409, as in Auth0).
 */
@CommandHandler(ChangeClientGrantCommand)
export class ChangeClientGrantHandler implements ICommandHandler<ChangeClientGrantCommand> {
  constructor(
    private readonly write: WriteModel,
    private readonly grants: ClientGrantsReader,
    private readonly settings: RegistrySettings,
    private readonly clock: Clock,
  ) {}

  async execute({ tenant, change, metadata }: ChangeClientGrantCommand): Promise<unknown> {
    const at = this.clock.isoNow();
    if (change.kind === 'create') {
      const body = isObject(change.body) ? change.body : {};
      const extra = Object.keys(body).filter((k) => !['client_id', 'audience', 'scope'].includes(k));
      if (!isObject(change.body) || extra.length) {
        throw new RosterError(
          'validation',
          'invalid_body',
          `Payload validation error: 'Additional properties not allowed: ${extra.join(', ')}'`,
        );
      }
      const { client_id, audience } = body;
      if (
        typeof client_id !== 'string' ||
        typeof audience !== 'string' ||
        client_id.length > 128 ||
        audience.length > 600
      ) {
        throw new RosterError(
          'validation',
          'invalid_body',
          "Payload validation error: 'client_id and audience are required strings'",
        );
      }
      const { state: client } = await this.write.load<ApplicationState>(
        applicationStream(tenant, client_id),
        applicationDecider,
      );
      if (client.status !== 'active') throw new RosterError('not_found', 'inexistent_client', 'Client not found.');
      // Auth0's strict third-party rule: system APIs (the Management API) are out of reach of third-party apps, so
      // an openly registered client can never be handed administration.
      if (!client.settings.is_first_party && audience === managementAudience(tenantBaseUrl(this.settings, tenant))) {
        throw new RosterError(
          'forbidden',
          'third_party_system_api',
          'Third-party applications cannot be granted access to the Management API',
        );
      }
      const api = await this.api(tenant, audience);
      const id = clientGrantId(tenant, client_id, audience);
      await this.write.execute(
        clientGrantStream(tenant, id),
        clientGrantDecider,
        {
          type: 'CreateClientGrant',
          data: { tenant, client_grant_id: id, at, client_id, audience, scope: body.scope, available_scopes: api },
        },
        metadata,
      );
      return this.document(tenant, id);
    }
    const { state } = await this.write.load<ClientGrantState>(clientGrantStream(tenant, change.id), clientGrantDecider);
    if (state.status !== 'active') throw NOT_FOUND();
    if (change.kind === 'remove') {
      await this.write.execute(
        clientGrantStream(tenant, change.id),
        clientGrantDecider,
        { type: 'RemoveClientGrant', data: { tenant, client_grant_id: change.id, at } },
        metadata,
      );
      return;
    }
    const body = isObject(change.body) ? change.body : {};
    const extra = Object.keys(body).filter((k) => k !== 'scope');
    if (!isObject(change.body) || extra.length) {
      throw new RosterError(
        'validation',
        'invalid_body',
        `Payload validation error: 'Additional properties not allowed: ${extra.join(', ')}'`,
      );
    }
    const api = await this.api(tenant, state.audience);
    await this.write.execute(
      clientGrantStream(tenant, change.id),
      clientGrantDecider,
      {
        type: 'ChangeClientGrantScope',
        data: { tenant, client_grant_id: change.id, at, scope: body.scope, available_scopes: api },
      },
      metadata,
    );
    return this.document(tenant, change.id);
  }

  /** The scope values the API defines; 404 when no API has that identifier. */
  private async api(tenant: string, audience: string): Promise<string[]> {
    const { state } = await this.write.load<ResourceServerState>(
      resourceServerStream(tenant, resourceServerId(tenant, audience)),
      resourceServerDecider,
    );
    if (state.status !== 'active')
      throw new RosterError('not_found', 'inexistent_resource_server', 'No resource server found by that identifier');
    return state.scopes.map((s) => s.value);
  }

  private async document(tenant: string, id: string): Promise<unknown> {
    const doc = await this.grants.get(tenant, id);
    if (!doc) throw NOT_FOUND();
    return doc;
  }
}

/** `B/api/v2/client-grants`. */
@Controller('tenants/:tenant/api/v2/client-grants')
@UseGuards(ManagementAuthGuard)
export class ClientGrantsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly grants: ClientGrantsReader,
  ) {}

  @Get()
  @RequireAnyScope('read:client_grants')
  async list(
    @Param('tenant') tenant: string,
    @Query(QueryValidation) query: ClientGrantListQueryDto,
  ): Promise<unknown> {
    const page = await this.grants.list(tenant, {
      ...pagingOf(query),
      client_id: query.client_id,
      audience: query.audience,
    });
    return selectFieldsOfList(page, 'client_grants', query);
  }

  @Post()
  @HttpCode(201)
  @RequireAnyScope('create:client_grants')
  create(@Param('tenant') tenant: string, @Body() body: unknown, @CurrentCaller() caller: Caller): Promise<unknown> {
    return this.commands.execute(
      new ChangeClientGrantCommand(tenant, { kind: 'create', body }, commandMetadata(caller)),
    );
  }

  @Get(':id')
  @RequireAnyScope('read:client_grants')
  async get(@Param('tenant') tenant: string, @Param('id') id: string): Promise<unknown> {
    const grant = await this.grants.get(tenant, id);
    if (!grant) throw NOT_FOUND();
    return grant;
  }

  @Patch(':id')
  @RequireAnyScope('update:client_grants')
  update(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ): Promise<unknown> {
    return this.commands.execute(
      new ChangeClientGrantCommand(tenant, { kind: 'update', id, body }, commandMetadata(caller)),
    );
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireAnyScope('delete:client_grants')
  async remove(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    await this.commands.execute(new ChangeClientGrantCommand(tenant, { kind: 'remove', id }, commandMetadata(caller)));
  }
}
