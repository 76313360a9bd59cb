import type { Decider } from '../decider';
import { assertNever, conflict, notFound } from '../shared/domain-errors';
import { changedFields, isEmpty } from '../shared/values';
import { validationError } from '../shared/violations';
import type { ConnectionCommand, CreateConnection, RemoveConnection, UpdateConnection } from './connection.commands';
import type { ConnectionEvent, ConnectionSettings } from './connection.events';
import { evaluateConnection, type ConnectionSnapshot } from './connection.rules';

export type ConnectionState =
  | { status: 'absent' }
  | ({ status: 'active'; tenant: string; connection_id: string } & ConnectionSnapshot)
  | { status: 'removed'; tenant: string; connection_id: string; name: string };

type ActiveConnection = Extract<ConnectionState, { status: 'active' }>;

const requireActive = (state: ConnectionState): ActiveConnection => {
  if (state.status !== 'active') throw notFound('inexistent_connection', 'The connection does not exist');
  return state;
};

const snapshot = ({ status: _s, tenant: _t, connection_id: _c, ...rest }: ActiveConnection): ConnectionSnapshot => rest;

const evaluateOrThrow = (input: unknown, current?: ConnectionSnapshot): ConnectionSnapshot => {
  const result = evaluateConnection(input, current);
  if (!result.ok) throw validationError(result.violations);
  return result.connection;
};

const create = ({ data }: CreateConnection, state: ConnectionState): ConnectionEvent[] => {
  if (state.status !== 'absent')
    throw conflict('connection_conflict', `Connection ${data.connection_id} already exists`);
  const connection = evaluateOrThrow(data.connection);
  return [
    {
      type: 'ConnectionCreated',
      data: { tenant: data.tenant, connection_id: data.connection_id, at: data.at, ...connection },
    },
  ];
};

const update = ({ data }: UpdateConnection, state: ConnectionState): ConnectionEvent[] => {
  const connection = requireActive(state);
  const current = snapshot(connection);
  const { name: _name, strategy: _strategy, ...desired } = evaluateOrThrow(data.changes, current);
  const changes: Partial<ConnectionSettings> = changedFields(current, desired);
  if (isEmpty(changes)) return [];
  return [
    {
      type: 'ConnectionSettingsChanged',
      data: { tenant: connection.tenant, connection_id: connection.connection_id, at: data.at, changes },
    },
  ];
};

const remove = ({ data }: RemoveConnection, state: ConnectionState): ConnectionEvent[] => {
  const connection = requireActive(state);
  return [
    {
      type: 'ConnectionRemoved',
      data: { tenant: connection.tenant, connection_id: connection.connection_id, at: data.at, name: connection.name },
    },
  ];
};

const decide = (command: ConnectionCommand, state: ConnectionState): ConnectionEvent[] => {
  switch (command.type) {
    case 'CreateConnection':
      return create(command, state);
    case 'UpdateConnection':
      return update(command, state);
    case 'RemoveConnection':
      return remove(command, state);
    default:
      return assertNever(command);
  }
};

const evolve = (state: ConnectionState, event: ConnectionEvent): ConnectionState => {
  switch (event.type) {
    case 'ConnectionCreated': {
      const { at: _at, ...data } = event.data;
      return { status: 'active', ...data };
    }
    case 'ConnectionSettingsChanged':
      return state.status === 'active' ? { ...state, ...event.data.changes } : state;
    case 'ConnectionRemoved':
      return {
        status: 'removed',
        tenant: event.data.tenant,
        connection_id: event.data.connection_id,
        name: event.data.name,
      };
    default:
      return assertNever(event);
  }
};

export const connectionDecider: Decider<ConnectionCommand, ConnectionEvent, ConnectionState> = {
  decide,
  evolve,
  initialState: () => ({ status: 'absent' }),
};
