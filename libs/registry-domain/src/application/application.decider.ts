import type { Decider } from '../decider';
import { assertNever, conflict, contractBroken, notFound } from '../shared/domain-errors';
import { checkValue } from '../shared/field-rules';
import { addSeconds, changedFields, isEmpty, sameSet } from '../shared/values';
import { plainViolation, throwIfViolations, validationError } from '../shared/violations';
import type {
  ApplicationCommand,
  ChangeConnections,
  RegisterApplication,
  RemoveApplication,
  ReplaceRegistration,
  RotateSecret,
  UpdateApplication,
} from './application.commands';
import type {
  ApplicationEvent,
  ApplicationOrigin,
  ApplicationSettingsChanged,
  ClientRegistration,
  ClientSettings,
  SecretRotated,
} from './application.events';
import { evaluateClientSettings, isPublicClient } from './client-settings.rules';

export type ApplicationState =
  | { status: 'absent' }
  | {
      status: 'active';
      tenant: string;
      client_id: string;
      origin: ApplicationOrigin;
      settings: ClientSettings;
      secret_hash: string | null;
      previous_secret_hash: string | null;
      previous_secret_valid_until: string | null;
      enabled_connections: string[];
      /** When it was registered (RFC 7591 client_id_issued_at). */
      registered_at: string;
      /** Only for dynamically registered applications. */
      registration?: ClientRegistration;
    }
  | { status: 'removed'; tenant: string; client_id: string };

type ActiveApplication = Extract<ApplicationState, { status: 'active' }>;

/** Auth0's 404 for clients (auth0-domain.md §2.3). */
export const CLIENT_NOT_FOUND = 'Client not found.';
export const MAX_SECRET_GRACE_SECONDS = 604800;

const requireActive = (state: ApplicationState): ActiveApplication => {
  if (state.status !== 'active') throw notFound('inexistent_client', CLIENT_NOT_FOUND);
  return state;
};

const checkConnectionIds = (ids: unknown): string[] => {
  throwIfViolations(
    checkValue(
      ids,
      { type: 'array', items: { type: 'string', minLength: 1, maxLength: 64 }, maxItems: 1000, uniqueItems: true },
      'enabled_connections',
      'create',
    ),
  );
  return ids as string[];
};

const settingsOrThrow = (input: unknown, origin: ApplicationOrigin, current?: ClientSettings): ClientSettings => {
  const result = evaluateClientSettings(input, { origin, current });
  if (!result.ok) throw validationError(result.violations);
  return result.settings;
};

const register = ({ data }: RegisterApplication, state: ApplicationState): ApplicationEvent[] => {
  if (state.status !== 'absent') throw conflict('client_conflict', `Client ${data.client_id} already exists`);
  const settings = settingsOrThrow(data.settings, data.origin);
  const enabled_connections = checkConnectionIds(data.enabled_connections);
  const confidential = !isPublicClient(settings);
  if (confidential && !data.secret_hash)
    throw contractBroken('RegisterApplication needs a secret_hash for a confidential application');
  return [
    {
      type: 'ApplicationRegistered',
      data: {
        tenant: data.tenant,
        client_id: data.client_id,
        at: data.at,
        origin: data.origin,
        settings,
        secret_hash: confidential ? data.secret_hash : null,
        enabled_connections,
        ...(data.registration ? { registration: data.registration } : {}),
      },
    },
  ];
};

/** The events that move an application to `desired` settings (shared by PATCH and the RFC 7592 PUT). */
const settingsChange = (
  app: ActiveApplication,
  desired: ClientSettings,
  at: string,
  secretHash: string | undefined,
): ApplicationEvent[] => {
  // Optional fields the desired settings no longer hold are carried as null (the read models unset them).
  const removed = Object.keys(app.settings).filter((key) => !Object.hasOwn(desired, key));
  const changes = {
    ...changedFields(app.settings, desired),
    ...Object.fromEntries(removed.map((key) => [key, null])),
  } as ApplicationSettingsChanged['data']['changes'];
  if (isEmpty(changes)) return [];
  const changed: ApplicationSettingsChanged = {
    type: 'ApplicationSettingsChanged',
    data: { tenant: app.tenant, client_id: app.client_id, at, changes },
  };
  // A public application that never had a secret becomes confidential: it gets its first secret now.
  if (isPublicClient(desired) || app.secret_hash !== null) return [changed];
  if (!secretHash) throw contractBroken('A change that makes a public application confidential needs a secret_hash');
  const firstSecret: SecretRotated = {
    type: 'SecretRotated',
    data: {
      tenant: app.tenant,
      client_id: app.client_id,
      at,
      secret_hash: secretHash,
      previous_secret_hash: null,
      previous_secret_valid_until: null,
    },
  };
  return [changed, firstSecret];
};

const update = ({ data }: UpdateApplication, state: ApplicationState): ApplicationEvent[] => {
  const app = requireActive(state);
  return settingsChange(app, settingsOrThrow(data.changes, app.origin, app.settings), data.at, data.secret_hash);
};

const replaceRegistration = ({ data }: ReplaceRegistration, state: ApplicationState): ApplicationEvent[] => {
  const app = requireActive(state);
  if (!app.registration) throw notFound('inexistent_client', CLIENT_NOT_FOUND);
  // A replacement: the one optional field the metadata maps to is dropped unless the new body names it again.
  const { logo_uri: _dropped, ...kept } = app.settings;
  const desired = settingsOrThrow(data.settings, app.origin, kept as ClientSettings);
  return [
    ...settingsChange(app, desired, data.at, data.secret_hash),
    {
      type: 'RegistrationChanged',
      data: { tenant: app.tenant, client_id: app.client_id, at: data.at, ...data.registration },
    },
  ];
};

const rotateSecret = ({ data }: RotateSecret, state: ApplicationState): ApplicationEvent[] => {
  const app = requireActive(state);
  if (isPublicClient(app.settings)) {
    throw validationError([
      plainViolation(
        'token_endpoint_auth_method',
        'Public applications (token_endpoint_auth_method none) have no client secret to rotate',
      ),
    ]);
  }
  const grace = data.grace_seconds ?? 0;
  throwIfViolations(
    checkValue(grace, { type: 'integer', minimum: 0, maximum: MAX_SECRET_GRACE_SECONDS }, 'grace_seconds', 'create'),
  );
  const keepPrevious = grace > 0 && app.secret_hash !== null;
  return [
    {
      type: 'SecretRotated',
      data: {
        tenant: app.tenant,
        client_id: app.client_id,
        at: data.at,
        secret_hash: data.secret_hash,
        // With no grace the old secret dies at once, so its hash is not carried further.
        previous_secret_hash: keepPrevious ? app.secret_hash : null,
        previous_secret_valid_until: keepPrevious ? addSeconds(data.at, grace) : null,
      },
    },
  ];
};

const changeConnections = ({ data }: ChangeConnections, state: ApplicationState): ApplicationEvent[] => {
  const app = requireActive(state);
  const next = checkConnectionIds(data.enabled_connections);
  if (sameSet(next, app.enabled_connections)) return [];
  return [
    {
      type: 'ConnectionsChanged',
      data: {
        tenant: app.tenant,
        client_id: app.client_id,
        at: data.at,
        enabled_connections: next,
        added: next.filter((id) => !app.enabled_connections.includes(id)),
        removed: app.enabled_connections.filter((id) => !next.includes(id)),
      },
    },
  ];
};

const remove = ({ data }: RemoveApplication, state: ApplicationState): ApplicationEvent[] => {
  const app = requireActive(state);
  return [{ type: 'ApplicationRemoved', data: { tenant: app.tenant, client_id: app.client_id, at: data.at } }];
};

const decide = (command: ApplicationCommand, state: ApplicationState): ApplicationEvent[] => {
  switch (command.type) {
    case 'RegisterApplication':
      return register(command, state);
    case 'UpdateApplication':
      return update(command, state);
    case 'RotateSecret':
      return rotateSecret(command, state);
    case 'ChangeConnections':
      return changeConnections(command, state);
    case 'ReplaceRegistration':
      return replaceRegistration(command, state);
    case 'RemoveApplication':
      return remove(command, state);
    default:
      return assertNever(command);
  }
};

const evolve = (state: ApplicationState, event: ApplicationEvent): ApplicationState => {
  switch (event.type) {
    case 'ApplicationRegistered': {
      const { tenant, client_id, origin, settings, secret_hash, enabled_connections, registration, at } = event.data;
      return {
        status: 'active',
        tenant,
        client_id,
        origin,
        settings,
        secret_hash,
        previous_secret_hash: null,
        previous_secret_valid_until: null,
        enabled_connections,
        registered_at: at,
        ...(registration ? { registration } : {}),
      };
    }
    case 'ApplicationSettingsChanged': {
      if (state.status !== 'active') return state;
      // A change event carries only what changed; an optional field that was removed is carried as null.
      const settings = Object.fromEntries(
        Object.entries({ ...state.settings, ...event.data.changes }).filter(
          ([, value]) => value !== undefined && value !== null,
        ),
      ) as ClientSettings;
      return { ...state, settings };
    }
    case 'RegistrationChanged': {
      if (state.status !== 'active') return state;
      const { metadata, access_token_hash } = event.data;
      return { ...state, registration: { metadata, access_token_hash } };
    }
    case 'SecretRotated': {
      if (state.status !== 'active') return state;
      const { secret_hash, previous_secret_hash, previous_secret_valid_until } = event.data;
      return { ...state, secret_hash, previous_secret_hash, previous_secret_valid_until };
    }
    case 'ConnectionsChanged':
      return state.status === 'active' ? { ...state, enabled_connections: event.data.enabled_connections } : state;
    case 'ApplicationRemoved':
      return { status: 'removed', tenant: event.data.tenant, client_id: event.data.client_id };
    default:
      return assertNever(event);
  }
};

export const applicationDecider: Decider<ApplicationCommand, ApplicationEvent, ApplicationState> = {
  decide,
  evolve,
  initialState: () => ({ status: 'absent' }),
};
