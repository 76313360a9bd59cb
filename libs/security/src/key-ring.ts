import { RosterError } from '@roster/errors';
import { PublicSigningJwk, SigningKeyMaterial } from './signing-keys';

/** The least a ring needs of a key; SigningKeyMaterial fits, and so does a test double. */
export interface RingKey {
  kid: string;
  public_jwk: PublicSigningJwk;
}

export interface RetiredKey<K extends RingKey> {
  key: K;
  /** Epoch seconds when it stopped signing. */
  retired_at: number;
  /** Epoch seconds until which it stays published: retired_at + the longest lifetime of a token it signed. */
  valid_until: number;
}

/** Plain, JSON-safe state, so it can be rebuilt from events or stored as a read model. */
export interface SigningKeyRingState<K extends RingKey> {
  current: K;
  current_since: number;
  /** Newest first. */
  previous: RetiredKey<K>[];
}

export interface Jwks {
  keys: PublicSigningJwk[];
}

const assertTime = (name: string, value: number): void => {
  if (!Number.isFinite(value) || value < 0) {
    throw new RosterError('validation', 'invalid_key_ring_time', `${name} must be a non-negative number, got ${value}`);
  }
};

/**
 * A tenant's signing keys: one current key that signs, and retired keys that stay in the JWKS until every token they
 * signed has expired, so rotation never breaks a token in flight. Immutable: each change returns a new ring.
 * Times are epoch seconds, passed in.
 */
export class SigningKeyRing<K extends RingKey = SigningKeyMaterial> {
  private constructor(private readonly state: Readonly<SigningKeyRingState<K>>) {}

  static create<K extends RingKey>(first: K, at: number): SigningKeyRing<K> {
    assertTime('at', at);
    return new SigningKeyRing({ current: first, current_since: at, previous: [] });
  }

  static fromState<K extends RingKey>(state: SigningKeyRingState<K>): SigningKeyRing<K> {
    return new SigningKeyRing({ ...state, previous: [...state.previous] });
  }

  toState(): SigningKeyRingState<K> {
    return { ...this.state, previous: [...this.state.previous] };
  }

  get current(): K {
    return this.state.current;
  }

  get previous(): readonly RetiredKey<K>[] {
    return this.state.previous;
  }

  /**
   * Makes `newKey` current at `at`; the old current key stays published for `keepPreviousForSeconds` (use the longest
   * token lifetime plus clock skew). Retired keys already past their `valid_until` are dropped.
   */
  rotate(newKey: K, at: number, keepPreviousForSeconds: number): SigningKeyRing<K> {
    assertTime('at', at);
    assertTime('keepPreviousForSeconds', keepPreviousForSeconds);
    if (at < this.state.current_since) {
      throw new RosterError(
        'validation',
        'invalid_key_ring_time',
        'A rotation cannot happen before the current key began',
      );
    }
    if (newKey.kid === this.state.current.kid || this.state.previous.some((r) => r.key.kid === newKey.kid)) {
      throw new RosterError('conflict', 'signing_key_exists', `Signing key ${newKey.kid} is already in the ring`);
    }
    const retired: RetiredKey<K> = {
      key: this.state.current,
      retired_at: at,
      valid_until: at + keepPreviousForSeconds,
    };
    return new SigningKeyRing({
      current: newKey,
      current_since: at,
      previous: [retired, ...this.state.previous].filter((r) => r.valid_until > at),
    });
  }

  /** Withdraws a retired key at once (e.g. it leaked): tokens it signed stop verifying. The current key must be rotated first. */
  revoke(kid: string): SigningKeyRing<K> {
    if (kid === this.state.current.kid) {
      throw new RosterError('conflict', 'cannot_revoke_current_key', 'Rotate the signing key before revoking it');
    }
    if (!this.state.previous.some((r) => r.key.kid === kid)) {
      throw new RosterError('not_found', 'signing_key_not_found', `Signing key ${kid} is not in the ring`);
    }
    return new SigningKeyRing({ ...this.state, previous: this.state.previous.filter((r) => r.key.kid !== kid) });
  }

  /** Drops retired keys that are no longer published at `now`. */
  prune(now: number): SigningKeyRing<K> {
    const previous = this.state.previous.filter((r) => r.valid_until > now);
    return previous.length === this.state.previous.length ? this : new SigningKeyRing({ ...this.state, previous });
  }

  /** Keys that may still verify a token at `now`: the current one, then retired ones newest first. */
  activeKeys(now: number): K[] {
    return [this.state.current, ...this.state.previous.filter((r) => r.valid_until > now).map((r) => r.key)];
  }

  find(kid: string, now: number): K | undefined {
    return this.activeKeys(now).find((k) => k.kid === kid);
  }

  /** The JWKS document published at `/.well-known/jwks.json`. */
  jwks(now: number): Jwks {
    return { keys: this.activeKeys(now).map((k) => k.public_jwk) };
  }
}
