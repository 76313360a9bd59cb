import type { DomainCommand } from '../shared/command';
import type { ApplicationOrigin } from './application.events';

/**
 * Commands carry the time (`at`) and everything random: the handler generates the client_id, the secret and its
 * keyed hash; the domain only ever sees `secret_hash`.
 */
export type RegisterApplication = DomainCommand<
  'RegisterApplication',
  {
    tenant: string;
    client_id: string;
    at: string;
    origin: ApplicationOrigin;
    /** The raw JSON body (validated here). */
    settings: unknown;
    /** Hash of a freshly generated secret; ignored (stored as null) when the application turns out public. */
    secret_hash: string | null;
    /** Connection ids to enable (Auth0: every tenant connection by default; the handler lists them). */
    enabled_connections: string[];
  }
>;

export type UpdateApplication = DomainCommand<
  'UpdateApplication',
  {
    tenant: string;
    client_id: string;
    at: string;
    /** The raw JSON PATCH body. */
    changes: unknown;
    /**
     * Hash of a fresh secret, used only when the update makes a public application confidential and it never had
     * a secret; the decider then also emits SecretRotated (the handler returns the plaintext only in that case).
     */
    secret_hash?: string;
  }
>;

export type RotateSecret = DomainCommand<
  'RotateSecret',
  {
    tenant: string;
    client_id: string;
    at: string;
    secret_hash: string;
    /** How long the previous secret keeps working, 0..604800 s (7 days); 0 or absent revokes it at once (Auth0). */
    grace_seconds?: number;
  }
>;

export type ChangeConnections = DomainCommand<
  'ChangeConnections',
  { tenant: string; client_id: string; at: string; enabled_connections: string[] }
>;

export type RemoveApplication = DomainCommand<'RemoveApplication', { tenant: string; client_id: string; at: string }>;

export type ApplicationCommand =
  RegisterApplication | UpdateApplication | RotateSecret | ChangeConnections | RemoveApplication;
