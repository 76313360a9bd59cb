import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RosterError } from '@roster/errors';
import { ClientsReader, ConnectionView, ConnectionsReader } from '@roster/read-models';
import { ConnectionState, connectionDecider, connectionStream } from '@roster/registry-domain';
import { generateId } from '@roster/security';
import { Clock } from '../../infrastructure/clock';
import { WriteModel } from '../../infrastructure/write-model';
import { TenantConnectionIds } from '../../tenancy/tenant-connection-ids';
import { ChangeClientConnectionsCommand } from '../clients/commands/client.commands';
import {
  ChangeConnectionClientsCommand,
  CreateConnectionCommand,
  DeleteConnectionCommand,
  UpdateConnectionCommand,
} from './connection.commands';

const CONNECTION_NOT_FOUND = () =>
  new RosterError('not_found', 'inexistent_connection', 'The connection does not exist');

const view = async (connections: ConnectionsReader, tenant: string, id: string): Promise<ConnectionView> => {
  const found = await connections.get(tenant, id);
  if (!found) throw CONNECTION_NOT_FOUND();
  return found;
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

@CommandHandler(CreateConnectionCommand)
export class CreateConnectionHandler implements ICommandHandler<CreateConnectionCommand> {
  constructor(
    private readonly write: WriteModel,
    private readonly connections: ConnectionsReader,
    private readonly clients: ClientsReader,
    private readonly commands: CommandBus,
    private readonly connectionIds: TenantConnectionIds,
    private readonly clock: Clock,
  ) {}

  async execute(command: CreateConnectionCommand): Promise<ConnectionView> {
    // `enabled_clients` on create is Auth0's way to enable the new connection for some applications; it is applied
    // to those applications after the connection exists.
    const { enabled_clients: enabledClients, ...body } = isObject(command.body)
      ? command.body
      : { enabled_clients: undefined };
    if (
      enabledClients !== undefined &&
      (!Array.isArray(enabledClients) || !enabledClients.every((id) => typeof id === 'string'))
    ) {
      throw new RosterError(
        'validation',
        'invalid_body',
        "Payload validation error: 'enabled_clients' must be an array of client ids",
      );
    }
    for (const clientId of (enabledClients as string[] | undefined) ?? []) {
      if (!(await this.clients.exists(command.tenant, clientId))) {
        throw new RosterError(
          'validation',
          'invalid_body',
          `Payload validation error: unknown client_id ${clientId} in enabled_clients`,
        );
      }
    }
    if (
      isObject(command.body) &&
      typeof body.name === 'string' &&
      (await this.connections.byName(command.tenant, body.name))
    ) {
      throw new RosterError('conflict', 'connection_conflict', 'A connection with the same name already exists');
    }
    const connectionId = generateId('con_');
    await this.write.execute(
      connectionStream(command.tenant, connectionId),
      connectionDecider,
      {
        type: 'CreateConnection',
        data: {
          tenant: command.tenant,
          connection_id: connectionId,
          at: this.clock.isoNow(),
          connection: isObject(command.body) ? body : command.body,
        },
      },
      command.metadata,
    );
    this.connectionIds.changed(command.tenant);
    for (const clientId of (enabledClients as string[] | undefined) ?? []) {
      await this.commands.execute(
        new ChangeClientConnectionsCommand(command.tenant, clientId, new Map([[connectionId, true]]), command.metadata),
      );
    }
    return view(this.connections, command.tenant, connectionId);
  }
}

@CommandHandler(UpdateConnectionCommand)
export class UpdateConnectionHandler implements ICommandHandler<UpdateConnectionCommand> {
  constructor(
    private readonly write: WriteModel,
    private readonly connections: ConnectionsReader,
    private readonly connectionIds: TenantConnectionIds,
    private readonly clock: Clock,
  ) {}

  async execute(command: UpdateConnectionCommand): Promise<ConnectionView> {
    await this.write.execute(
      connectionStream(command.tenant, command.connectionId),
      connectionDecider,
      {
        type: 'UpdateConnection',
        data: {
          tenant: command.tenant,
          connection_id: command.connectionId,
          at: this.clock.isoNow(),
          changes: command.body,
        },
      },
      command.metadata,
    );
    // is_domain_connection may have changed: which connections registered applications get.
    this.connectionIds.changed(command.tenant);
    return view(this.connections, command.tenant, command.connectionId);
  }
}

@CommandHandler(DeleteConnectionCommand)
export class DeleteConnectionHandler implements ICommandHandler<DeleteConnectionCommand> {
  constructor(
    private readonly write: WriteModel,
    private readonly connectionIds: TenantConnectionIds,
    private readonly clock: Clock,
  ) {}

  async execute(command: DeleteConnectionCommand): Promise<void> {
    await this.write.execute(
      connectionStream(command.tenant, command.connectionId),
      connectionDecider,
      {
        type: 'RemoveConnection',
        data: { tenant: command.tenant, connection_id: command.connectionId, at: this.clock.isoNow() },
      },
      command.metadata,
    );
    this.connectionIds.changed(command.tenant);
  }
}

@CommandHandler(ChangeConnectionClientsCommand)
export class ChangeConnectionClientsHandler implements ICommandHandler<ChangeConnectionClientsCommand> {
  constructor(
    private readonly write: WriteModel,
    private readonly clients: ClientsReader,
    private readonly commands: CommandBus,
  ) {}

  async execute(command: ChangeConnectionClientsCommand): Promise<void> {
    const { state } = await this.write.load<ConnectionState>(
      connectionStream(command.tenant, command.connectionId),
      connectionDecider,
    );
    if (state.status !== 'active') throw CONNECTION_NOT_FOUND();
    // Validate every item before changing anything, so a bad item leaves all applications as they were.
    for (const { client_id } of command.changes) {
      if (!(await this.clients.exists(command.tenant, client_id))) {
        throw new RosterError('not_found', 'inexistent_client', `Client not found: ${client_id}`);
      }
    }
    for (const { client_id, status } of command.changes) {
      await this.commands.execute(
        new ChangeClientConnectionsCommand(
          command.tenant,
          client_id,
          new Map([[command.connectionId, status]]),
          command.metadata,
        ),
      );
    }
  }
}

export const ConnectionCommandHandlers = [
  CreateConnectionHandler,
  UpdateConnectionHandler,
  DeleteConnectionHandler,
  ChangeConnectionClientsHandler,
];
