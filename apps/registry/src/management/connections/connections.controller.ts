import { QueryValidation } from '../../http/validation.pipe';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RosterError } from '@roster/errors';
import { ConnectionView, ConnectionsReader } from '@roster/read-models';
import { CurrentCaller } from '../../auth/caller.decorator';
import { Caller, ManagementAuthGuard } from '../../auth/management-auth.guard';
import { RequireAnyScope } from '../../auth/scopes.decorator';
import { commandMetadata } from '../command-metadata';
import {
  ConnectionListQueryDto,
  FieldsQueryDto,
  ListQueryDto,
  selectFields,
  pagingOf,
  selectFieldsOfList,
} from '../list-query.dto';
import {
  ChangeConnectionClientsCommand,
  CreateConnectionCommand,
  DeleteConnectionCommand,
  UpdateConnectionCommand,
} from './connection.commands';

const MAX_CLIENT_CHANGES = 50;

/** Parses `[{client_id, status}]` (Auth0 allows at most 50 items per request). */
const parseClientChanges = (body: unknown): Array<{ client_id: string; status: boolean }> => {
  const bad = (message: string) =>
    new RosterError('validation', 'invalid_body', `Payload validation error: ${message}`);
  if (!Array.isArray(body)) throw bad('expected an array of {client_id, status}');
  if (body.length === 0 || body.length > MAX_CLIENT_CHANGES) throw bad(`expected 1 to ${MAX_CLIENT_CHANGES} items`);
  return body.map((item, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw bad(`item ${index} is not an object`);
    const { client_id, status, ...rest } = item as Record<string, unknown>;
    if (Object.keys(rest).length)
      throw bad(`Additional properties not allowed: ${Object.keys(rest).join(', ')} (item ${index})`);
    if (typeof client_id !== 'string' || client_id.length === 0 || client_id.length > 128)
      throw bad(`item ${index}: client_id must be a string`);
    if (typeof status !== 'boolean') throw bad(`item ${index}: status must be a boolean`);
    return { client_id, status };
  });
};

/** `B/api/v2/connections`. */
@Controller('tenants/:tenant/api/v2/connections')
@UseGuards(ManagementAuthGuard)
export class ConnectionsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly connections: ConnectionsReader,
  ) {}

  @Get()
  @RequireAnyScope('read:connections')
  async list(@Param('tenant') tenant: string, @Query(QueryValidation) query: ConnectionListQueryDto): Promise<unknown> {
    const page = await this.connections.list(tenant, {
      ...pagingOf(query),
      name: query.name,
      strategy: query.strategy ? [query.strategy] : undefined,
    });
    return selectFieldsOfList(page, 'connections', query);
  }

  @Post()
  @HttpCode(201)
  @RequireAnyScope('create:connections')
  create(
    @Param('tenant') tenant: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ): Promise<ConnectionView> {
    return this.commands.execute(new CreateConnectionCommand(tenant, body, commandMetadata(caller)));
  }

  @Get(':id')
  @RequireAnyScope('read:connections')
  async get(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @Query(QueryValidation) query: FieldsQueryDto,
  ): Promise<unknown> {
    const connection = await this.connections.get(tenant, id);
    if (!connection) throw new RosterError('not_found', 'inexistent_connection', 'The connection does not exist');
    return selectFields(connection, query);
  }

  @Patch(':id')
  @RequireAnyScope('update:connections')
  update(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ): Promise<ConnectionView> {
    return this.commands.execute(new UpdateConnectionCommand(tenant, id, body, commandMetadata(caller)));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireAnyScope('delete:connections')
  async remove(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    await this.commands.execute(new DeleteConnectionCommand(tenant, id, commandMetadata(caller)));
  }

  @Get(':id/clients')
  @RequireAnyScope('read:connections')
  async clients(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @Query(QueryValidation) query: ListQueryDto,
  ): Promise<unknown> {
    if (!(await this.connections.get(tenant, id)))
      throw new RosterError('not_found', 'inexistent_connection', 'The connection does not exist');
    return this.connections.clientsOf(tenant, id, { from: query.from, take: query.take });
  }

  @Patch(':id/clients')
  @HttpCode(204)
  @RequireAnyScope('update:connections')
  async changeClients(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    await this.commands.execute(
      new ChangeConnectionClientsCommand(tenant, id, parseClientChanges(body), commandMetadata(caller)),
    );
  }
}
