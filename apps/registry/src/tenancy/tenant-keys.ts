import { KeyObject } from 'crypto';
import { tenantStream } from '@roster/registry-domain';
import type { PublicSigningJwk, SigningKeyRotated, TenantEvent } from '@roster/registry-domain';
import { JwtVerifier, SecretBox, openSigningKey } from '@roster/security';
import { StreamFold, StreamStateCache } from '../infrastructure/stream-state-cache';

interface KeyEntry {
  kid: string;
  public_jwk: PublicSigningJwk;
  sealed_private_key: string;
  /** ISO time after which the key is no longer published; null for the current key. */
  valid_until: string | null;
}

/** The key ring of a tenant as the tenant stream says it: the current key first, then retired ones. */
export interface TenantKeyRing {
  exists: boolean;
  keys: KeyEntry[];
}

const keyRingFold: StreamFold<TenantKeyRing> = {
  initialState: () => ({ exists: false, keys: [] }),
  evolve: (state, event) => {
    const e = event as TenantEvent;
    switch (e.type) {
      case 'TenantCreated':
        return { ...state, exists: true };
      case 'SigningKeyRotated': {
        const data = (e as SigningKeyRotated).data;
        const retired = state.keys.map((key) =>
          key.kid === data.previous_kid && key.valid_until === null
            ? { ...key, valid_until: data.previous_key_valid_until ?? data.at }
            : key,
        );
        return {
          ...state,
          keys: [
            {
              kid: data.kid,
              public_jwk: data.public_jwk,
              sealed_private_key: data.sealed_private_key,
              valid_until: null,
            },
            ...retired,
          ],
        };
      }
      default:
        return state;
    }
  },
};

interface OpenedRing {
  revision: bigint;
  signing?: { kid: string; privateKey: KeyObject };
  verifier: JwtVerifier;
  published: KeyEntry[];
}

/**
 * Signing keys per tenant, read from the tenant stream (strongly consistent, cached). Private keys are opened from
 * their sealed form once per ring revision and kept only in memory.
 */
export class TenantKeys {
  private readonly opened = new Map<string, OpenedRing>();

  constructor(
    private readonly cache: StreamStateCache,
    private readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  async ring(tenant: string): Promise<TenantKeyRing> {
    return (await this.cache.load(tenantStream(tenant), keyRingFold)).state;
  }

  /** The current signing key, or undefined when the tenant does not exist (or has no key yet). */
  async signingKey(tenant: string): Promise<{ kid: string; privateKey: KeyObject } | undefined> {
    return (await this.open(tenant))?.signing;
  }

  /** A verifier that knows every published key of the tenant. */
  async verifier(tenant: string): Promise<JwtVerifier | undefined> {
    return (await this.open(tenant))?.verifier;
  }

  async jwks(tenant: string): Promise<{ keys: PublicSigningJwk[] } | undefined> {
    const opened = await this.open(tenant);
    if (!opened) return undefined;
    const now = this.now();
    return {
      keys: opened.published
        .filter((k) => k.valid_until === null || Date.parse(k.valid_until) > now)
        .map((k) => k.public_jwk),
    };
  }

  private async open(tenant: string): Promise<OpenedRing | undefined> {
    const snapshot = await this.cache.load(tenantStream(tenant), keyRingFold);
    if (!snapshot.state.exists) return undefined;
    const cached = this.opened.get(tenant);
    if (cached && cached.revision === snapshot.revision) return cached;
    const [current] = snapshot.state.keys;
    const verifier = new JwtVerifier();
    for (const key of snapshot.state.keys) verifier.addKey(key.public_jwk);
    const opened: OpenedRing = {
      revision: snapshot.revision,
      signing: current
        ? {
            kid: current.kid,
            privateKey: openSigningKey(
              {
                kid: current.kid,
                alg: 'ES256',
                public_jwk: current.public_jwk,
                sealed_private_key: current.sealed_private_key,
              },
              this.box,
            ),
          }
        : undefined,
      verifier,
      published: snapshot.state.keys,
    };
    this.opened.set(tenant, opened);
    return opened;
  }
}
