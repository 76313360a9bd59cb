import type { DomainCommand } from '../shared/command';
import type { ApplicationOrigin, ClientRegistration } from './application.events';

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
    /** Dynamic Client Registration only: the RFC 7591 extras and the registration access token's hash. */
    registration?: ClientRegistration;
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

/**
 * RFC 7592 PUT: the registration's metadata replaces the application's settings (`settings` is the Auth0 body the
 * metadata maps to, validated here again) and the extras; the registration access token is rotated.
 */
export type ReplaceRegistration = DomainCommand<
  'ReplaceRegistration',
  {
    tenant: string;
    client_id: string;
    at: string;
    settings: unknown;
    registration: ClientRegistration;
    /** As in UpdateApplication: used only when the replacement makes a public client confidential. */
    secret_hash?: string;
  }
>;

export type RemoveApplication = DomainCommand<'RemoveApplication', { tenant: string; client_id: string; at: string }>;

export type ApplicationCommand =
  RegisterApplication | UpdateApplication | RotateSecret | ChangeConnections | ReplaceRegistration | RemoveApplication;
