import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { RosterError } from '@roster/errors';
import { clientDocument } from '@roster/read-models';
import { TenantConnectionIds } from '../../../tenancy/tenant-connection-ids';
import { ApplicationState, applicationDecider, applicationStream, isPublicClient } from '@roster/registry-domain';
import { SecretHasher, generateClientId, generateClientSecret } from '@roster/security';
import { WriteModel } from '../../../infrastructure/write-model';
import { ClientGrantCascade } from '../../client-grants/client-grant-cascade';
import { Clock } from '../../../infrastructure/clock';
import {
  ChangeClientConnectionsCommand,
  ClientResponse,
  CreateClientCommand,
  DeleteClientCommand,
  RotateClientSecretCommand,
  UpdateClientCommand,
} from '../commands/client.commands';

const CLIENT_NOT_FOUND = () => new RosterError('not_found', 'inexistent_client', 'Client not found.');

/**
 * The client as the write left it (the read models already include it: WriteModel waited), with a secret only when
 * this call minted one.
 */
const respond = (state: ApplicationState, secret?: string): ClientResponse => {
  if (state.status !== 'active') throw CLIENT_NOT_FOUND();
  const doc = clientDocument(state.tenant, state.client_id, state.settings);
  return secret === undefined ? doc : { ...doc, client_secret: secret };
};

@CommandHandler(CreateClientCommand)
export class CreateClientHandler implements ICommandHandler<CreateClientCommand> {
  constructor(
    private readonly write: WriteModel,
    private readonly connections: TenantConnectionIds,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  async execute(command: CreateClientCommand): Promise<ClientResponse> {
    const clientId = command.credentials?.clientId ?? generateClientId();
    const secret = command.credentials?.clientSecret ?? generateClientSecret();
    // Auth0: a new application gets every connection of the tenant.
    const enabledConnections = await this.connections.of(command.tenant);
    const { state } = await this.write.execute(
      applicationStream(command.tenant, clientId),
      applicationDecider,
      {
        type: 'RegisterApplication',
        data: {
          tenant: command.tenant,
          client_id: clientId,
          at: this.clock.isoNow(),
          origin: command.origin,
          settings: command.body,
          secret_hash: this.hasher.hash(secret),
          enabled_connections: enabledConnections,
        },
      },
      command.metadata,
      // Generated ids are new streams; configured bootstrap credentials may not be.
      { newStream: command.credentials === undefined },
    );
    const confidential = state.status === 'active' && !isPublicClient(state.settings);
    return respond(state, confidential ? secret : undefined);
  }
}

@CommandHandler(UpdateClientCommand)
export class UpdateClientHandler implements ICommandHandler<UpdateClientCommand> {
  constructor(
    private readonly write: WriteModel,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  async execute(command: UpdateClientCommand): Promise<ClientResponse> {
    // Minted up front (cheap) because the decider alone knows whether the update makes the app confidential.
    const secret = generateClientSecret();
    const { events, state } = await this.write.execute(
      applicationStream(command.tenant, command.clientId),
      applicationDecider,
      {
        type: 'UpdateApplication',
        data: {
          tenant: command.tenant,
          client_id: command.clientId,
          at: this.clock.isoNow(),
          changes: command.body,
          secret_hash: this.hasher.hash(secret),
        },
      },
      command.metadata,
    );
    const minted = events.some((e) => e.type === 'SecretRotated');
    return respond(state, minted ? secret : undefined);
  }
}

@CommandHandler(RotateClientSecretCommand)
export class RotateClientSecretHandler implements ICommandHandler<RotateClientSecretCommand> {
  constructor(
    private readonly write: WriteModel,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  async execute(command: RotateClientSecretCommand): Promise<ClientResponse> {
    const secret = generateClientSecret();
    const { state } = await this.write.execute(
      applicationStream(command.tenant, command.clientId),
      applicationDecider,
      {
        type: 'RotateSecret',
        data: {
          tenant: command.tenant,
          client_id: command.clientId,
          at: this.clock.isoNow(),
          secret_hash: this.hasher.hash(secret),
          grace_seconds: command.graceSeconds,
        },
      },
      command.metadata,
    );
    return respond(state, secret);
  }
}

@CommandHandler(DeleteClientCommand)
export class DeleteClientHandler implements ICommandHandler<DeleteClientCommand> {
  constructor(
    private readonly write: WriteModel,
    private readonly grants: ClientGrantCascade,
    private readonly clock: Clock,
  ) {}

  async execute(command: DeleteClientCommand): Promise<void> {
    const grantIds = await this.grants.idsOf(command.tenant, { client_id: command.clientId });
    await this.write.execute(
      applicationStream(command.tenant, command.clientId),
      applicationDecider,
      {
        type: 'RemoveApplication',
        data: { tenant: command.tenant, client_id: command.clientId, at: this.clock.isoNow() },
      },
      command.metadata,
    );
    await this.grants.remove(command.tenant, grantIds, command.metadata);
  }
}

@CommandHandler(ChangeClientConnectionsCommand)
export class ChangeClientConnectionsHandler implements ICommandHandler<ChangeClientConnectionsCommand> {
  constructor(
    private readonly write: WriteModel,
    private readonly clock: Clock,
  ) {}

  async execute(command: ChangeClientConnectionsCommand): Promise<void> {
    await this.write.execute(
      applicationStream(command.tenant, command.clientId),
      applicationDecider,
      (state: ApplicationState) => ({
        type: 'ChangeConnections' as const,
        data: {
          tenant: command.tenant,
          client_id: command.clientId,
          at: this.clock.isoNow(),
          // Toggles apply to the state the decision is made on, so concurrent toggles of other ids are kept.
          enabled_connections:
            state.status === 'active' ? applyToggles(state.enabled_connections, command.changes) : [],
        },
      }),
      command.metadata,
    );
  }
}

const applyToggles = (current: readonly string[], changes: ReadonlyMap<string, boolean>): string[] => {
  const next = new Set(current);
  for (const [id, enabled] of changes) {
    if (enabled) next.add(id);
    else next.delete(id);
  }
  return [...next];
};

export const ClientCommandHandlers = [
  CreateClientHandler,
  UpdateClientHandler,
  RotateClientSecretHandler,
  DeleteClientHandler,
  ChangeClientConnectionsHandler,
];
