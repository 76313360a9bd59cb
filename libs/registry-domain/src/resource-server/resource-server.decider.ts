import type { Decider } from '../decider';
import { assertNever, conflict, contractBroken, forbidden, notFound } from '../shared/domain-errors';
import { changedFields, isEmpty } from '../shared/values';
import { validationError } from '../shared/violations';
import type {
  CreateResourceServer,
  RemoveResourceServer,
  ResourceServerCommand,
  UpdateResourceServer,
} from './resource-server.commands';
import type { ResourceServerEvent, ResourceServerSettings } from './resource-server.events';
import { evaluateResourceServer, resourceServerId, type ResourceServerSnapshot } from './resource-server.rules';

export type ResourceServerState =
  | { status: 'absent' }
  | ({
      status: 'active';
      tenant: string;
      resource_server_id: string;
      signing_alg: 'ES256';
      is_system: boolean;
    } & ResourceServerSnapshot)
  | { status: 'removed'; tenant: string; resource_server_id: string; identifier: string };

type ActiveResourceServer = Extract<ResourceServerState, { status: 'active' }>;

const requireActive = (state: ResourceServerState): ActiveResourceServer => {
  if (state.status !== 'active') throw notFound('inexistent_resource_server', 'The resource server does not exist');
  return state;
};

/** Auth0: system APIs (the Management API) cannot be modified or deleted. */
const requireNotSystem = (server: ActiveResourceServer, action: string): void => {
  if (server.is_system) throw forbidden('operation_not_supported', `System resource servers cannot be ${action}`);
};

const evaluateOrThrow = (input: unknown, current?: ResourceServerSnapshot): ResourceServerSnapshot => {
  const result = evaluateResourceServer(input, current);
  if (!result.ok) throw validationError(result.violations);
  return result.resourceServer;
};

const snapshot = (s: ActiveResourceServer): ResourceServerSnapshot => ({
  identifier: s.identifier,
  name: s.name,
  scopes: s.scopes,
  token_lifetime: s.token_lifetime,
  allow_offline_access: s.allow_offline_access,
  skip_consent_for_verifiable_first_party_clients: s.skip_consent_for_verifiable_first_party_clients,
});

/** A removed API's identifier may be used again (same derived id, same stream), as in Auth0. */
const create = ({ data }: CreateResourceServer, state: ResourceServerState): ResourceServerEvent[] => {
  if (state.status === 'active') {
    throw conflict('resource_server_conflict', 'A resource server with the same identifier already exists.');
  }
  const server = evaluateOrThrow(data.resource_server);
  const resource_server_id = resourceServerId(data.tenant, server.identifier);
  if (data.resource_server_id !== undefined && data.resource_server_id !== resource_server_id) {
    throw contractBroken('CreateResourceServer: resource_server_id does not match the identifier');
  }
  return [
    {
      type: 'ResourceServerCreated',
      data: {
        tenant: data.tenant,
        resource_server_id,
        at: data.at,
        ...server,
        signing_alg: 'ES256',
        is_system: data.is_system ?? false,
      },
    },
  ];
};

const update = ({ data }: UpdateResourceServer, state: ResourceServerState): ResourceServerEvent[] => {
  const server = requireActive(state);
  requireNotSystem(server, 'modified');
  const current = snapshot(server);
  const { identifier: _identifier, ...desired } = evaluateOrThrow(data.changes, current);
  const changes: Partial<ResourceServerSettings> = changedFields(current, desired);
  if (isEmpty(changes)) return [];
  return [
    {
      type: 'ResourceServerSettingsChanged',
      data: { tenant: server.tenant, resource_server_id: server.resource_server_id, at: data.at, changes },
    },
  ];
};

const remove = ({ data }: RemoveResourceServer, state: ResourceServerState): ResourceServerEvent[] => {
  const server = requireActive(state);
  requireNotSystem(server, 'deleted');
  return [
    {
      type: 'ResourceServerRemoved',
      data: {
        tenant: server.tenant,
        resource_server_id: server.resource_server_id,
        at: data.at,
        identifier: server.identifier,
      },
    },
  ];
};

const decide = (command: ResourceServerCommand, state: ResourceServerState): ResourceServerEvent[] => {
  switch (command.type) {
    case 'CreateResourceServer':
      return create(command, state);
    case 'UpdateResourceServer':
      return update(command, state);
    case 'RemoveResourceServer':
      return remove(command, state);
    default:
      return assertNever(command);
  }
};

const evolve = (state: ResourceServerState, event: ResourceServerEvent): ResourceServerState => {
  switch (event.type) {
    case 'ResourceServerCreated': {
      const { at: _at, ...data } = event.data;
      return { status: 'active', ...data };
    }
    case 'ResourceServerSettingsChanged':
      return state.status === 'active' ? { ...state, ...event.data.changes } : state;
    case 'ResourceServerRemoved':
      return {
        status: 'removed',
        tenant: event.data.tenant,
        resource_server_id: event.data.resource_server_id,
        identifier: event.data.identifier,
      };
    default:
      return assertNever(event);
  }
};

export const resourceServerDecider: Decider<ResourceServerCommand, ResourceServerEvent, ResourceServerState> = {
  decide,
  evolve,
  initialState: () => ({ status: 'absent' }),
};
