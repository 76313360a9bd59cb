import { randomUUID } from 'crypto';
import { RosterError } from '@roster/errors';
import { FailedAuthLimiter, SecretHasher, signJwt } from '@roster/security';
import { tenantBaseUrl } from '@roster/config';
import { RegistrySettings } from '../infrastructure/registry-settings';
import { TenantKeys } from '../tenancy/tenant-keys';
import { RegistryLookups } from '../tenancy/registry-lookups';
import { TokenRequest, oauthError } from './token-request';

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** Why a token request failed, for its log event: finer than the RFC 6749 error the client gets. */
export type TokenFailureReason =
  | 'invalid_request'
  | 'rate_limited'
  | 'unknown_client'
  | 'wrong_auth_method'
  | 'wrong_secret'
  | 'grant_type_not_allowed'
  | 'no_audience'
  | 'unknown_audience'
  | 'no_client_grant'
  | 'scope_not_granted';

/** What a token request ended with, for the caller's log event (never the presented secret). */
export interface TokenOutcome {
  clientId: string;
  clientName?: string;
  audience?: string;
  scope?: string;
  failure?: TokenFailureReason;
}

/**
 * Failed client authentications counted three ways, each in its own limiter so a flood of one kind cannot evict the
 * state of another. An address, or an address guessing one client, is slowed and then refused. A client as a whole
 * is only slowed: refusing it outright would let anyone lock a legitimate client out by failing on purpose.
 */
export class ClientAuthLimiters {
  constructor(
    readonly byClient = new FailedAuthLimiter(),
    readonly byAddress = new FailedAuthLimiter(),
    readonly byClientAndAddress = new FailedAuthLimiter(),
  ) {}
}

/** The slowest a client-wide slowdown gets (the limiter's own cap). */
const MAX_CLIENT_WIDE_DELAY_MS = 2000;

/** Notes why the request failed on its outcome, for the log, and hands back the error the client gets. */
const failed = (outcome: TokenOutcome, reason: TokenFailureReason, error: Error): Error => {
  outcome.failure = reason;
  return error;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The client_credentials grant: authenticate the client (keyed hash, constant time, brute force slowed then refused),
 * check the grant type, the audience and the client grant, and sign a JWT access token with the tenant's key.
 */
export class TokenService {
  constructor(
    private readonly lookups: RegistryLookups,
    private readonly keys: TenantKeys,
    private readonly hasher: SecretHasher,
    private readonly limiters: ClientAuthLimiters,
    private readonly settings: RegistrySettings,
    private readonly now: () => number = Date.now,
  ) {}

  async issue(tenant: string, request: TokenRequest, ip: string, outcome: TokenOutcome): Promise<IssuedToken> {
    const clientKey = `${tenant}:${request.clientId}`;
    const pairKey = `${clientKey}@${ip}`;
    const clientWide = this.limiters.byClient.check(clientKey);
    await this.throttle(
      outcome,
      clientWide.action === 'refuse'
        ? { action: 'delay', delayMs: MAX_CLIENT_WIDE_DELAY_MS, failures: clientWide.failures }
        : clientWide,
      this.limiters.byAddress.check(ip),
      this.limiters.byClientAndAddress.check(pairKey),
    );

    const client = await this.lookups.application(tenant, request.clientId);
    const authenticated =
      client !== undefined &&
      client.token_endpoint_auth_method === request.authMethod &&
      this.secretMatches(
        request.clientSecret,
        client.secret_hash,
        client.previous_secret_hash,
        client.previous_secret_valid_until,
      );
    if (!client || !authenticated) {
      this.limiters.byClient.recordFailure(clientKey);
      this.limiters.byAddress.recordFailure(ip);
      this.limiters.byClientAndAddress.recordFailure(pairKey);
      const reason =
        client === undefined
          ? 'unknown_client'
          : client.token_endpoint_auth_method === request.authMethod
            ? 'wrong_secret'
            : 'wrong_auth_method';
      throw failed(outcome, reason, oauthError('invalid_client', 'Client authentication failed'));
    }
    this.limiters.byClient.recordSuccess(clientKey);
    this.limiters.byClientAndAddress.recordSuccess(pairKey);
    outcome.clientName = client.name;

    if (!client.grant_types.includes('client_credentials')) {
      throw failed(
        outcome,
        'grant_type_not_allowed',
        oauthError('unauthorized_client', "Grant type 'client_credentials' not allowed for the client."),
      );
    }
    const tenantInfo = await this.lookups.tenant(tenant);
    const audience = request.audience ?? tenantInfo?.default_audience;
    if (!audience)
      throw failed(
        outcome,
        'no_audience',
        oauthError('access_denied', 'No audience parameter was provided, and no default audience has been configured'),
      );
    outcome.audience = audience;
    const api = await this.lookups.resourceServer(tenant, audience);
    if (!api)
      throw failed(
        outcome,
        'unknown_audience',
        oauthError('access_denied', `Service not found: ${audience.slice(0, 200)}`),
      );
    const grant = await this.lookups.clientGrant(tenant, request.clientId, audience);
    if (!grant)
      throw failed(
        outcome,
        'no_client_grant',
        oauthError('access_denied', 'Client has not been granted scopes for audience'),
      );

    const scopes = request.scope ? request.scope.filter((s) => grant.scope.includes(s)) : grant.scope;
    if (request.scope && request.scope.length > 0 && scopes.length === 0) {
      throw failed(
        outcome,
        'scope_not_granted',
        oauthError('invalid_scope', 'None of the requested scopes is granted to the client for this audience'),
      );
    }
    const scope = scopes.join(' ');
    outcome.scope = scope;

    const signing = await this.keys.signingKey(tenant);
    if (!signing) throw new RosterError('unavailable', 'no_signing_key', 'The tenant has no signing key');
    const iat = Math.floor(this.now() / 1000);
    const lifetime = api.token_lifetime ?? this.settings.defaultTokenLifetimeSeconds;
    const base = tenantBaseUrl(this.settings, tenant);
    const accessToken = signJwt(
      {
        iss: `${base}/`,
        sub: `${request.clientId}@clients`,
        aud: audience,
        iat,
        exp: iat + lifetime,
        jti: randomUUID(),
        scope,
        gty: 'client-credentials',
        azp: request.clientId,
      },
      { kid: signing.kid, privateKey: signing.privateKey, typ: 'at+jwt' },
    );
    return { access_token: accessToken, token_type: 'Bearer', expires_in: lifetime, scope };
  }

  private secretMatches(
    secret: string,
    hash: string | null,
    previousHash: string | null,
    previousValidUntil: string | null,
  ): boolean {
    if (hash !== null && this.hasher.verify(secret, hash)) return true;
    return (
      previousHash !== null &&
      previousValidUntil !== null &&
      Date.parse(previousValidUntil) > this.now() &&
      this.hasher.verify(secret, previousHash)
    );
  }

  private async throttle(outcome: TokenOutcome, ...decisions: ReturnType<FailedAuthLimiter['check']>[]): Promise<void> {
    const refused = decisions.find((d) => d.action === 'refuse');
    if (refused && refused.action === 'refuse') {
      outcome.failure = 'rate_limited';
      throw new RosterError(
        'rate_limited',
        'too_many_attempts',
        'Too many failed client authentications; try again later',
        {
          details: { retryAfterSeconds: refused.retryAfterSeconds },
        },
      );
    }
    const delay = Math.max(0, ...decisions.map((d) => (d.action === 'delay' ? d.delayMs : 0)));
    if (delay > 0) await sleep(delay);
  }
}
