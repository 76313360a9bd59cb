import {
  ApplicationState,
  ClientGrantState,
  ResourceServerState,
  TenantState,
  applicationDecider,
  applicationStream,
  clientGrantDecider,
  clientGrantId,
  clientGrantStream,
  resourceServerDecider,
  resourceServerId,
  resourceServerStream,
  tenantDecider,
  tenantStream,
} from '@roster/registry-domain';
import type { ClientSettings, TenantSettings } from '@roster/registry-domain';
import { BoundedMap } from '@roster/security';
import { StreamStateCache } from '../infrastructure/stream-state-cache';

export type ApplicationCredentials = Pick<ClientSettings, 'name' | 'token_endpoint_auth_method' | 'grant_types'> & {
  secret_hash: string | null;
  previous_secret_hash: string | null;
  previous_secret_valid_until: string | null;
};

/**
 * The token endpoint's lookups, each a fold of one stream whose id follows from the request (client grant and
 * resource server ids are derived from their natural keys). Reading the write model keeps them exact; the cache
 * keeps them fast.
 */
export class RegistryLookups {
  constructor(private readonly cache: StreamStateCache) {}

  /** Derived stream ids cost a SHA-256 each; the token endpoint asks for the same few over and over. */
  private readonly streamIds = new BoundedMap<string, string>(50_000);

  private derived(key: string, derive: () => string): string {
    let id = this.streamIds.get(key);
    if (id === undefined) {
      id = derive();
      this.streamIds.set(key, id);
    }
    return id;
  }

  async application(tenant: string, clientId: string): Promise<ApplicationCredentials | undefined> {
    const { state } = await this.cache.load<ApplicationState>(
      applicationStream(tenant, clientId),
      applicationDecider as never,
    );
    if (state.status !== 'active') return undefined;
    const { name, token_endpoint_auth_method, grant_types } = state.settings;
    return {
      name,
      token_endpoint_auth_method,
      grant_types,
      secret_hash: state.secret_hash,
      previous_secret_hash: state.previous_secret_hash,
      previous_secret_valid_until: state.previous_secret_valid_until,
    };
  }

  async tenant(tenant: string): Promise<TenantSettings | undefined> {
    const { state } = await this.cache.load<TenantState>(tenantStream(tenant), tenantDecider as never);
    return state.status === 'active' ? state.settings : undefined;
  }

  async resourceServer(
    tenant: string,
    identifier: string,
  ): Promise<{ token_lifetime: number; scopes: string[] } | undefined> {
    const { state } = await this.cache.load<ResourceServerState>(
      this.derived(`rs\u0000${tenant}\u0000${identifier}`, () =>
        resourceServerStream(tenant, resourceServerId(tenant, identifier)),
      ),
      resourceServerDecider as never,
    );
    if (state.status !== 'active') return undefined;
    return { token_lifetime: state.token_lifetime, scopes: state.scopes.map((s) => s.value) };
  }

  async clientGrant(tenant: string, clientId: string, audience: string): Promise<{ scope: string[] } | undefined> {
    const { state } = await this.cache.load<ClientGrantState>(
      this.derived(`cg\u0000${tenant}\u0000${clientId}\u0000${audience}`, () =>
        clientGrantStream(tenant, clientGrantId(tenant, clientId, audience)),
      ),
      clientGrantDecider as never,
    );
    return state.status === 'active' ? { scope: state.scope } : undefined;
  }
}
