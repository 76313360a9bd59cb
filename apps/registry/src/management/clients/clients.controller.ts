import { QueryValidation } from '../../http/validation.pipe';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RosterError } from '@roster/errors';
import { ClientsReader, ConnectionsReader, clientDocument } from '@roster/read-models';
import { ApplicationState, applicationDecider, applicationStream } from '@roster/registry-domain';
import { WriteModel } from '../../infrastructure/write-model';
import { RequireAnyScope } from '../../auth/scopes.decorator';
import { ManagementAuthGuard, Caller } from '../../auth/management-auth.guard';
import { CurrentCaller } from '../../auth/caller.decorator';
import { commandMetadata } from '../command-metadata';
import {
  ClientListQueryDto,
  FieldsQueryDto,
  ListQueryDto,
  RotateSecretQueryDto,
  selectFields,
  pagingOf,
  selectFieldsOfList,
} from '../list-query.dto';
import {
  ClientResponse,
  CreateClientCommand,
  DeleteClientCommand,
  RotateClientSecretCommand,
  UpdateClientCommand,
} from './commands/client.commands';
import { RegistrySettings } from '../../infrastructure/registry-settings';

const READ_CLIENTS = ['read:clients', 'read:client_keys', 'read:client_summary'] as const;

const SUMMARY_FIELDS = ['client_id', 'app_type', 'name', 'description'];

/**
 * Auth0's field visibility: a token with only `read:client_summary` sees the summary fields; the `fields` query
 * narrows further but never widens.
 */
const visibleFields = (
  query: { fields?: string; include_fields?: boolean },
  caller: Caller,
): { fields?: string; include_fields?: boolean } => {
  if (caller.scopes.has('read:clients') || caller.scopes.has('read:client_keys')) return query;
  const requested = query.fields ? query.fields.split(',') : SUMMARY_FIELDS;
  const allowed =
    query.fields && query.include_fields === false
      ? SUMMARY_FIELDS.filter((f) => !requested.includes(f))
      : requested.filter((f) => SUMMARY_FIELDS.includes(f));
  return { fields: allowed.join(',') || 'client_id', include_fields: true };
};

/** `B/api/v2/clients`: Auth0's applications endpoints. */
@Controller('tenants/:tenant/api/v2/clients')
@UseGuards(ManagementAuthGuard)
export class ClientsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clients: ClientsReader,
    private readonly connections: ConnectionsReader,
    private readonly settings: RegistrySettings,
    private readonly write: WriteModel,
  ) {}

  @Get()
  @RequireAnyScope(...READ_CLIENTS)
  async list(
    @Param('tenant') tenant: string,
    @Query(QueryValidation) query: ClientListQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<unknown> {
    const page = await this.clients.list(tenant, {
      ...pagingOf(query),
      app_type: query.app_type?.split(','),
      is_first_party: query.is_first_party,
      is_global: query.is_global,
    });
    return selectFieldsOfList(page, 'clients', visibleFields(query, caller));
  }

  @Post()
  @HttpCode(201)
  @RequireAnyScope('create:clients')
  create(
    @Param('tenant') tenant: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ): Promise<ClientResponse> {
    return this.commands.execute(new CreateClientCommand(tenant, body, commandMetadata(caller)));
  }

  @Get(':id')
  @RequireAnyScope(...READ_CLIENTS)
  async get(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @Query(QueryValidation) query: FieldsQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<unknown> {
    // Read from the write model (cached, evicted on change): exact, and no query on the hot path.
    const { state } = await this.write.load<ApplicationState>(applicationStream(tenant, id), applicationDecider);
    if (state.status !== 'active') throw new RosterError('not_found', 'inexistent_client', 'Client not found.');
    return selectFields(clientDocument(tenant, id, state.settings), visibleFields(query, caller));
  }

  @Patch(':id')
  @RequireAnyScope('update:clients')
  update(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ): Promise<ClientResponse> {
    if (
      body !== null &&
      typeof body === 'object' &&
      'client_secret' in body &&
      !caller.scopes.has('update:client_keys')
    ) {
      throw new RosterError(
        'forbidden',
        'insufficient_scope',
        'Insufficient scope, expected any of: update:client_keys',
      );
    }
    return this.commands.execute(new UpdateClientCommand(tenant, id, body, commandMetadata(caller)));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireAnyScope('delete:clients')
  async remove(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    await this.commands.execute(new DeleteClientCommand(tenant, id, commandMetadata(caller)));
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @RequireAnyScope('update:client_keys')
  rotate(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @Query(QueryValidation) query: RotateSecretQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<ClientResponse> {
    const grace = query.previous_secret_grace_period ?? this.settings.secretRotationGraceSeconds;
    return this.commands.execute(new RotateClientSecretCommand(tenant, id, grace, commandMetadata(caller)));
  }

  @Get(':id/connections')
  @RequireAnyScope('read:connections')
  async connectionsOf(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @Query(QueryValidation) query: ListQueryDto,
  ): Promise<unknown> {
    // The write model, like GET clients/{id}: a client registered a moment ago exists before the read model has it.
    const { state } = await this.write.load<ApplicationState>(applicationStream(tenant, id), applicationDecider);
    if (state.status !== 'active') throw new RosterError('not_found', 'inexistent_client', 'Client not found.');
    return this.connections.listForClient(tenant, id, { from: query.from, take: query.take });
  }
}
