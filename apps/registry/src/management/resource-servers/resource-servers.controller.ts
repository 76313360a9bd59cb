import { QueryValidation } from '../../http/validation.pipe';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RosterError } from '@roster/errors';
import { ResourceServersReader } from '@roster/read-models';
import type { ResourceServerDocument } from '@roster/read-models';
import {
  ResourceServerState,
  resourceServerDecider,
  resourceServerId,
  resourceServerStream,
} from '@roster/registry-domain';
import { CurrentCaller } from '../../auth/caller.decorator';
import { Caller, ManagementAuthGuard } from '../../auth/management-auth.guard';
import { RequireAnyScope } from '../../auth/scopes.decorator';
import { CommandMetadata } from '../../infrastructure/aggregate-repository';
import { Clock } from '../../infrastructure/clock';
import { WriteModel } from '../../infrastructure/write-model';
import { ClientGrantCascade } from '../client-grants/client-grant-cascade';
import { commandMetadata } from '../command-metadata';
import { FieldsQueryDto, ListQueryDto, selectFields, pagingOf, selectFieldsOfList } from '../list-query.dto';

const NOT_FOUND = () =>
  new RosterError('not_found', 'inexistent_resource_server', 'The resource server does not exist');

type ResourceServerChange =
  { kind: 'create'; body: unknown } | { kind: 'update'; id: string; body: unknown } | { kind: 'remove'; id: string };

export class ChangeResourceServerCommand extends Command<ResourceServerDocument | void> {
  constructor(
    readonly tenant: string,
    readonly change: ResourceServerChange,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/** APIs (resource servers): one stream per identifier, so a second API with the same identifier conflicts (409). */
@CommandHandler(ChangeResourceServerCommand)
export class ChangeResourceServerHandler implements ICommandHandler<ChangeResourceServerCommand> {
  constructor(
    private readonly write: WriteModel,
    private readonly reader: ResourceServersReader,
    private readonly grants: ClientGrantCascade,
    private readonly clock: Clock,
  ) {}

  async execute({ tenant, change, metadata }: ChangeResourceServerCommand): Promise<ResourceServerDocument | void> {
    const at = this.clock.isoNow();
    switch (change.kind) {
      case 'create': {
        const identifier = (change.body as { identifier?: unknown } | null)?.identifier;
        if (typeof identifier !== 'string' || identifier.length === 0) {
          throw new RosterError(
            'validation',
            'invalid_body',
            "Payload validation error: 'Missing required property: identifier'",
          );
        }
        const id = resourceServerId(tenant, identifier);
        await this.write.execute(
          resourceServerStream(tenant, id),
          resourceServerDecider,
          { type: 'CreateResourceServer', data: { tenant, resource_server_id: id, at, resource_server: change.body } },
          metadata,
        );
        return this.document(tenant, id);
      }
      case 'update':
        await this.write.execute(
          resourceServerStream(tenant, change.id),
          resourceServerDecider,
          { type: 'UpdateResourceServer', data: { tenant, resource_server_id: change.id, at, changes: change.body } },
          metadata,
        );
        return this.document(tenant, change.id);
      case 'remove': {
        const doc = await this.reader.get(tenant, change.id);
        const grantIds = doc ? await this.grants.idsOf(tenant, { audience: doc.identifier }) : [];
        await this.write.execute(
          resourceServerStream(tenant, change.id),
          resourceServerDecider,
          { type: 'RemoveResourceServer', data: { tenant, resource_server_id: change.id, at } },
          metadata,
        );
        await this.grants.remove(tenant, grantIds, metadata);
        return;
      }
    }
  }

  private async document(tenant: string, id: string): Promise<ResourceServerDocument> {
    const doc = await this.reader.get(tenant, id);
    if (!doc) throw NOT_FOUND();
    return doc;
  }
}

/** `B/api/v2/resource-servers`. The Management API is a system API: listed, never deleted or changed. */
@Controller('tenants/:tenant/api/v2/resource-servers')
@UseGuards(ManagementAuthGuard)
export class ResourceServersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly reader: ResourceServersReader,
    private readonly write: WriteModel,
  ) {}

  @Get()
  @RequireAnyScope('read:resource_servers')
  async list(@Param('tenant') tenant: string, @Query(QueryValidation) query: ListQueryDto): Promise<unknown> {
    const page = await this.reader.list(tenant, {
      ...pagingOf(query),
    });
    return selectFieldsOfList(page, 'resource_servers', query);
  }

  @Post()
  @HttpCode(201)
  @RequireAnyScope('create:resource_servers')
  create(@Param('tenant') tenant: string, @Body() body: unknown, @CurrentCaller() caller: Caller): Promise<unknown> {
    return this.commands.execute(
      new ChangeResourceServerCommand(tenant, { kind: 'create', body }, commandMetadata(caller)),
    );
  }

  /** Auth0 accepts the id or the (URL-encoded) identifier. */
  @Get(':id')
  @RequireAnyScope('read:resource_servers')
  async get(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @Query(QueryValidation) query: FieldsQueryDto,
  ): Promise<unknown> {
    const doc = (await this.reader.get(tenant, id)) ?? (await this.reader.byIdentifier(tenant, id));
    if (!doc) throw NOT_FOUND();
    return selectFields(doc as unknown as Record<string, unknown>, query);
  }

  @Patch(':id')
  @RequireAnyScope('update:resource_servers')
  async update(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ): Promise<unknown> {
    return this.commands.execute(
      new ChangeResourceServerCommand(
        tenant,
        { kind: 'update', id: await this.resolve(tenant, id), body },
        commandMetadata(caller),
      ),
    );
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireAnyScope('delete:resource_servers')
  async remove(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    await this.commands.execute(
      new ChangeResourceServerCommand(
        tenant,
        { kind: 'remove', id: await this.resolve(tenant, id) },
        commandMetadata(caller),
      ),
    );
  }

  /** An id, or an identifier mapped to its derived id. */
  private async resolve(tenant: string, idOrIdentifier: string): Promise<string> {
    const { state } = await this.write.load<ResourceServerState>(
      resourceServerStream(tenant, idOrIdentifier),
      resourceServerDecider,
    );
    return state.status === 'absent' ? resourceServerId(tenant, idOrIdentifier) : idOrIdentifier;
  }
}
