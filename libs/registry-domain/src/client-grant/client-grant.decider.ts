import type { Decider } from '../decider';
import { assertNever, conflict, contractBroken, notFound } from '../shared/domain-errors';
import { sameSet } from '../shared/values';
import { throwIfViolations } from '../shared/violations';
import type {
  ChangeClientGrantScope,
  ClientGrantCommand,
  CreateClientGrant,
  RemoveClientGrant,
} from './client-grant.commands';
import type { ClientGrantEvent } from './client-grant.events';
import { clientGrantId, clientGrantKeyViolations, clientGrantScopeViolations } from './client-grant.rules';

export type ClientGrantState =
  | { status: 'absent' }
  | { status: 'active'; tenant: string; client_grant_id: string; client_id: string; audience: string; scope: string[] }
  | { status: 'removed'; tenant: string; client_grant_id: string; client_id: string; audience: string };

type ActiveClientGrant = Extract<ClientGrantState, { status: 'active' }>;

const requireActive = (state: ClientGrantState): ActiveClientGrant => {
  if (state.status !== 'active') throw notFound('inexistent_client_grant', 'The client grant does not exist');
  return state;
};

/** After a removal the same pair may be granted again (same derived id, same stream), as in Auth0. */
const create = ({ data }: CreateClientGrant, state: ClientGrantState): ClientGrantEvent[] => {
  if (state.status === 'active')
    throw conflict('client_grant_conflict', 'A client grant for this client and audience already exists');
  throwIfViolations(clientGrantKeyViolations(data.client_id, data.audience));
  throwIfViolations(clientGrantScopeViolations(data.scope, data.available_scopes));
  const client_grant_id = clientGrantId(data.tenant, data.client_id, data.audience);
  if (data.client_grant_id !== undefined && data.client_grant_id !== client_grant_id) {
    throw contractBroken('CreateClientGrant: client_grant_id does not match client_id and audience');
  }
  return [
    {
      type: 'ClientGrantCreated',
      data: {
        tenant: data.tenant,
        client_grant_id,
        at: data.at,
        client_id: data.client_id,
        audience: data.audience,
        scope: data.scope as string[],
      },
    },
  ];
};

const changeScope = ({ data }: ChangeClientGrantScope, state: ClientGrantState): ClientGrantEvent[] => {
  const grant = requireActive(state);
  throwIfViolations(clientGrantScopeViolations(data.scope, data.available_scopes));
  const scope = data.scope as string[];
  if (sameSet(scope, grant.scope)) return [];
  return [
    {
      type: 'ClientGrantScopeChanged',
      data: { tenant: grant.tenant, client_grant_id: grant.client_grant_id, at: data.at, scope },
    },
  ];
};

const remove = ({ data }: RemoveClientGrant, state: ClientGrantState): ClientGrantEvent[] => {
  const grant = requireActive(state);
  return [
    {
      type: 'ClientGrantRemoved',
      data: {
        tenant: grant.tenant,
        client_grant_id: grant.client_grant_id,
        at: data.at,
        client_id: grant.client_id,
        audience: grant.audience,
      },
    },
  ];
};

const decide = (command: ClientGrantCommand, state: ClientGrantState): ClientGrantEvent[] => {
  switch (command.type) {
    case 'CreateClientGrant':
      return create(command, state);
    case 'ChangeClientGrantScope':
      return changeScope(command, state);
    case 'RemoveClientGrant':
      return remove(command, state);
    default:
      return assertNever(command);
  }
};

const evolve = (state: ClientGrantState, event: ClientGrantEvent): ClientGrantState => {
  switch (event.type) {
    case 'ClientGrantCreated': {
      const { at: _at, ...data } = event.data;
      return { status: 'active', ...data };
    }
    case 'ClientGrantScopeChanged':
      return state.status === 'active' ? { ...state, scope: event.data.scope } : state;
    case 'ClientGrantRemoved': {
      const { at: _at, ...data } = event.data;
      return { status: 'removed', ...data };
    }
    default:
      return assertNever(event);
  }
};

export const clientGrantDecider: Decider<ClientGrantCommand, ClientGrantEvent, ClientGrantState> = {
  decide,
  evolve,
  initialState: () => ({ status: 'absent' }),
};
