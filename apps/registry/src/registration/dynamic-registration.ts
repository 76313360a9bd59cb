import { tenantBaseUrl } from '@roster/config';
import { RosterError } from '@roster/errors';
import {
  ApplicationState,
  RegistrationEvaluation,
  RegistrationProblem,
  TenantSettings,
  applicationDecider,
  applicationStream,
  evaluateRegistration,
  initialAccessTokenDecider,
  initialAccessTokensStream,
  invalidInitialAccessToken,
  isPublicClient,
  registeredMetadata,
  type InitialAccessTokensState,
} from '@roster/registry-domain';
import { SecretHasher, TokenBucketLimiter, generateClientId, generateClientSecret } from '@roster/security';
import type { CommandMetadata } from '../infrastructure/aggregate-repository';
import { Clock } from '../infrastructure/clock';
import { RegistrySettings } from '../infrastructure/registry-settings';
import { WriteModel } from '../infrastructure/write-model';
import type { RegistryLookups } from '../tenancy/registry-lookups';
import type { TenantConnectionIds } from '../tenancy/tenant-connection-ids';
import type { RegistrationCap } from './registration-cap';

/** What every registration event records as its actor. */
const METADATA: CommandMetadata = { actor: 'dynamic_registration' };

/** RFC 7591 §3.2.2: a metadata problem is a 400 whose `error` is the RFC's code. */
const registrationError = (problem: RegistrationProblem): RosterError =>
  new RosterError('validation', problem.error, problem.error_description);

/** RFC 7592 §2: one answer for a wrong token, another client's token and a client that is gone (no enumeration). */
const invalidRegistrationToken = (): RosterError =>
  new RosterError(
    'unauthorized',
    'invalid_token',
    'The registration access token is invalid or the client does not exist',
  );

/** `Bearer <token>` from an Authorization header, or undefined. */
export const bearerToken = (authorization: string | undefined): string | undefined =>
  /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(authorization ?? '')?.[1];

/** Per-tenant and per-address buckets for open registration (Auth0: 5 per second per tenant). */
export class RegistrationLimits {
  private readonly perTenant: TokenBucketLimiter;
  private readonly perAddress: TokenBucketLimiter;

  constructor(settings: RegistrySettings) {
    const perTenant = settings.registrationRateLimitPerSecond;
    const perMinute = settings.registrationIpRateLimitPerMinute;
    this.perTenant = new TokenBucketLimiter({ capacity: perTenant, refillPerSecond: perTenant });
    this.perAddress = new TokenBucketLimiter({
      capacity: Math.max(1, Math.ceil(perMinute / 6)),
      refillPerSecond: perMinute / 60,
    });
  }

  /** The address first: one address refused does not spend the tenant's budget that others share. */
  take(tenant: string, ip: string): void {
    for (const take of [() => this.perAddress.take(`${tenant}@${ip}`), () => this.perTenant.take(tenant)]) {
      const decision = take();
      if (!decision.allowed) {
        throw new RosterError('rate_limited', 'temporarily_unavailable', 'Too many registrations; retry later', {
          details: { retryAfterSeconds: decision.retryAfterSeconds },
          retriable: true,
        });
      }
    }
  }
}

export interface RegistrationAnswer {
  status: number;
  body?: Record<string, unknown>;
  /** The registered client, for the log event of this call. */
  clientId?: string;
}

/**
 * Dynamic Client Registration (RFC 7591, OIDC DCR 1.0) and its management (RFC 7592). Registrations become the same
 * application events as a Management API creation, with origin `dynamic_registration`; the registration access token
 * and the client secret are stored only as keyed hashes.
 */
export class DynamicRegistration {
  constructor(
    private readonly write: WriteModel,
    private readonly lookups: RegistryLookups,
    private readonly hasher: SecretHasher,
    private readonly cap: RegistrationCap,
    private readonly connections: TenantConnectionIds,
    private readonly limits: RegistrationLimits,
    private readonly settings: RegistrySettings,
    private readonly clock: Clock,
  ) {}

  async register(tenant: string, body: unknown, authorization: string | undefined, ip: string) {
    const tenantSettings = await this.enabledTenant(tenant);
    const requiresToken = tenantSettings.dynamic_client_registration?.require_initial_access_token === true;
    // Open registration is rate limited before any other work, so a flood of bad requests costs little.
    const initialToken = requiresToken ? await this.initialAccessToken(tenant, authorization) : undefined;
    if (!requiresToken) this.limits.take(tenant, ip);

    const clientId = generateClientId();
    const evaluation = evaluateRegistration(body, {
      mode: 'register',
      client_id: clientId,
      security_mode: tenantSettings.dynamic_client_registration_security_mode ?? 'strict',
    });
    if (!evaluation.ok) throw registrationError(evaluation.problem);
    await this.cap.reserve(tenant);
    try {
      return await this.registerReserved(tenant, clientId, evaluation, initialToken);
    } catch (error) {
      this.cap.release(tenant);
      throw error;
    }
  }

  private async registerReserved(
    tenant: string,
    clientId: string,
    evaluation: Extract<RegistrationEvaluation, { ok: true }>,
    initialToken: string | undefined,
  ): Promise<RegistrationAnswer> {
    const at = this.clock.isoNow();
    if (initialToken) {
      await this.write.execute(
        initialAccessTokensStream(tenant),
        initialAccessTokenDecider,
        { type: 'UseInitialAccessToken', data: { tenant, id: initialToken, at, client_id: clientId } },
        METADATA,
        { withoutReadModel: true },
      );
    }
    const secret = generateClientSecret();
    const accessToken = generateClientSecret();
    const { state } = await this.write.execute(
      applicationStream(tenant, clientId),
      applicationDecider,
      {
        type: 'RegisterApplication',
        data: {
          tenant,
          client_id: clientId,
          at,
          origin: 'dynamic_registration',
          settings: evaluation.settings,
          secret_hash: this.hasher.hash(secret),
          // Auth0: third-party applications use the tenant's domain connections only.
          enabled_connections: await this.connections.domainOf(tenant),
          registration: { metadata: evaluation.extras, access_token_hash: this.hasher.hash(accessToken) },
        },
      },
      METADATA,
      // A registered client is served from the write model (RFC 7592, the token endpoint, GET clients/{id}); the
      // lists of the Management API show it once the projection has it, milliseconds later.
      { newStream: true, withoutReadModel: true },
    );
    return this.answer(tenant, state, { status: 201, secret, accessToken });
  }

  async read(tenant: string, clientId: string, authorization: string | undefined): Promise<RegistrationAnswer> {
    const state = await this.registered(tenant, clientId, authorization);
    return this.answer(tenant, state, { status: 200 });
  }

  async replace(tenant: string, clientId: string, body: unknown, authorization: string | undefined) {
    // Managing an existing registration does not depend on the flag: it governs new registrations only.
    const current = await this.registered(tenant, clientId, authorization);
    const evaluation = evaluateRegistration(body, {
      mode: 'replace',
      client_id: clientId,
      security_mode: current.settings.third_party_security_mode ?? 'strict',
      current: current.settings,
    });
    if (!evaluation.ok) throw registrationError(evaluation.problem);
    // RFC 7592 §2.2: a client_secret in the body must be the current one; the client never chooses its secret.
    const sentSecret = (body as Record<string, unknown>).client_secret;
    if (sentSecret !== undefined && !this.hasher.verify(sentSecret, current.secret_hash)) {
      throw registrationError({
        error: 'invalid_client_metadata',
        error_description: 'client_secret does not match the current secret of this client',
      });
    }
    const secret = generateClientSecret();
    const accessToken = generateClientSecret();
    const { events, state } = await this.write.execute(
      applicationStream(tenant, clientId),
      applicationDecider,
      {
        type: 'ReplaceRegistration',
        data: {
          tenant,
          client_id: clientId,
          at: this.clock.isoNow(),
          settings: evaluation.settings,
          registration: { metadata: evaluation.extras, access_token_hash: this.hasher.hash(accessToken) },
          secret_hash: this.hasher.hash(secret),
        },
      },
      METADATA,
    );
    const minted = events.some((e) => e.type === 'SecretRotated');
    return this.answer(tenant, state, { status: 200, secret: minted ? secret : undefined, accessToken });
  }

  async remove(tenant: string, clientId: string, authorization: string | undefined): Promise<RegistrationAnswer> {
    await this.registered(tenant, clientId, authorization);
    await this.write.execute(
      applicationStream(tenant, clientId),
      applicationDecider,
      { type: 'RemoveApplication', data: { tenant, client_id: clientId, at: this.clock.isoNow() } },
      METADATA,
    );
    this.cap.release(tenant);
    return { status: 204, clientId };
  }

  /** The tenant's settings when registration is on; Auth0 answers 403 while its flag is off. */
  private async enabledTenant(tenant: string): Promise<TenantSettings> {
    const settings = await this.lookups.tenant(tenant);
    if (!settings) throw new RosterError('not_found', 'invalid_request', 'Unknown tenant');
    if (!settings.flags.enable_dynamic_client_registration) {
      throw new RosterError('forbidden', 'access_denied', 'Dynamic Client Registration is disabled for this tenant');
    }
    return settings;
  }

  /** The id of a valid initial access token (`<id>.<secret>`); whether it still has uses left the decider decides. */
  private async initialAccessToken(tenant: string, authorization: string | undefined): Promise<string> {
    const token = bearerToken(authorization);
    const id = token?.split('.', 1)[0];
    if (!token || !id) throw invalidInitialAccessToken();
    const { state } = await this.write.load<InitialAccessTokensState>(
      initialAccessTokensStream(tenant),
      initialAccessTokenDecider,
    );
    const entry = Object.hasOwn(state.tokens, id) ? state.tokens[id] : undefined;
    if (!entry || !this.hasher.verify(token, entry.token_hash)) throw invalidInitialAccessToken();
    return id;
  }

  /** The dynamically registered application this registration access token belongs to, or 401. */
  private async registered(tenant: string, clientId: string, authorization: string | undefined) {
    const token = bearerToken(authorization);
    if (!token) throw invalidRegistrationToken();
    const { state } = await this.write.load<ApplicationState>(applicationStream(tenant, clientId), applicationDecider);
    if (state.status !== 'active' || !state.registration) throw invalidRegistrationToken();
    if (!this.hasher.verify(token, state.registration.access_token_hash)) throw invalidRegistrationToken();
    return state;
  }

  private answer(
    tenant: string,
    state: ApplicationState,
    issued: { status: number; secret?: string; accessToken?: string },
  ): RegistrationAnswer {
    if (state.status !== 'active' || !state.registration) throw invalidRegistrationToken();
    const confidential = !isPublicClient(state.settings);
    return {
      status: issued.status,
      clientId: state.client_id,
      body: {
        client_id: state.client_id,
        ...(issued.secret !== undefined && confidential ? { client_secret: issued.secret } : {}),
        client_id_issued_at: Math.floor(Date.parse(state.registered_at) / 1000),
        ...(confidential ? { client_secret_expires_at: 0 } : {}),
        ...(issued.accessToken !== undefined ? { registration_access_token: issued.accessToken } : {}),
        registration_client_uri: `${tenantBaseUrl(this.settings, tenant)}/oidc/register/${state.client_id}`,
        ...registeredMetadata(state.settings, state.registration.metadata),
      },
    };
  }
}
