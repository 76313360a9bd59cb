import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RosterError } from '@roster/errors';
import { BoundedMap, JwtClaims, JwtVerifier, TokenBucketLimiter } from '@roster/security';
import { tenantBaseUrl } from '@roster/config';
import { TenantKeys } from '../tenancy/tenant-keys';
import { RegistrySettings } from '../infrastructure/registry-settings';
import { managementAudience } from './management-scopes';
import { SCOPES_KEY } from './scopes.decorator';

/** Who is calling the Management API, taken from the verified access token. */
export interface Caller {
  tenant: string;
  clientId: string;
  scopes: Set<string>;
  tokenId?: string;
  /** The id of the request the caller made (see http-app's genReqId), recorded with the events it causes. */
  requestId?: string;
}

export type AuthenticatedRequest = FastifyRequest & { caller?: Caller };

/** The Management API's limiter, one per process. */
export class ManagementRateLimiter extends TokenBucketLimiter {}

const unauthorized = (message: string) => new RosterError('unauthorized', 'invalid_token', message);

/**
 * Every Management API route: a bearer token issued by the same tenant's token endpoint for the audience
 * `B/api/v2/`, with one of the route's scopes. A token of another tenant fails signature or issuer checks, so it is
 * worth nothing here.
 */
@Injectable()
export class ManagementAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: TenantKeys,
    private readonly settings: RegistrySettings,
    private readonly rateLimiter: ManagementRateLimiter,
  ) {}

  private readonly verified = new BoundedMap<string, Caller & { exp: number }>(10_000);

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const tenant = (request.params as Record<string, string>).tenant;
    this.applyRateLimit(tenant, context.switchToHttp().getResponse<FastifyReply>());
    const header = request.headers.authorization;
    if (!header) throw unauthorized('Missing authentication');
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header);
    if (!match) throw unauthorized('Bad HTTP authentication header format');
    const verifier = await this.keys.verifier(tenant);
    if (!verifier) throw unauthorized('Invalid token');
    const base = tenantBaseUrl(this.settings, tenant);
    const now = Math.floor(Date.now() / 1000);
    // A verified token is remembered until it expires: ES256 verification costs ~100 µs, a lookup nothing.
    const cacheKey = `${tenant}\u0000${match[1]}`;
    let verified = this.verified.get(cacheKey);
    if (!verified || verified.exp <= now) {
      verified = this.verify(verifier, tenant, match[1], base, now);
      this.verified.set(cacheKey, verified);
    }
    const { exp: _exp, ...caller } = verified;
    request.caller = { ...caller, requestId: request.id };
    const scopes = caller.scopes;
    const required = this.reflector.getAllAndOverride<string[] | undefined>(SCOPES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required?.length && !required.some((s) => scopes.has(s))) {
      throw new RosterError(
        'forbidden',
        'insufficient_scope',
        `Insufficient scope, expected any of: ${required.join(',')}`,
      );
    }
    return true;
  }

  private verify(
    verifier: JwtVerifier,
    tenant: string,
    token: string,
    base: string,
    now: number,
  ): Caller & { exp: number } {
    let claims: JwtClaims;
    try {
      claims = verifier.verify(token, { issuer: `${base}/`, audience: managementAudience(base), now });
    } catch (error) {
      throw new RosterError('unauthorized', 'invalid_token', 'Invalid token', { cause: error });
    }
    return {
      tenant,
      clientId: String(claims.azp ?? claims.sub ?? ''),
      scopes: new Set(typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : []),
      tokenId: claims.jti,
      exp: typeof claims.exp === 'number' ? claims.exp : now,
    };
  }

  /** Auth0's token-bucket model per tenant, announced on every response with X-RateLimit-* headers. */
  private applyRateLimit(tenant: string, reply: FastifyReply): void {
    const decision = this.rateLimiter.take(`tenant:${tenant}`);
    void reply.header('x-ratelimit-limit', String(decision.limit));
    void reply.header('x-ratelimit-remaining', String(decision.remaining));
    void reply.header('x-ratelimit-reset', String(decision.resetEpochSeconds));
    if (!decision.allowed) {
      throw new RosterError('rate_limited', 'too_many_requests', 'Global limit has been reached', {
        details: { retryAfterSeconds: decision.retryAfterSeconds },
      });
    }
  }
}
