import { ConnectionsReader } from '@roster/read-models';

/**
 * The ids of a tenant's connections, which every new application gets enabled. When this process is the only writer
 * (all-in-one), the list is kept in memory and dropped by the connection handlers on every change; otherwise each
 * call asks the read model, since another registry may have changed the list.
 */
export class TenantConnectionIds {
  private readonly cached = new Map<string, Promise<string[]>>();
  private readonly cachedDomain = new Map<string, Promise<string[]>>();

  constructor(
    private readonly connections: ConnectionsReader,
    private readonly onlyWriter: boolean,
  ) {}

  of(tenant: string): Promise<string[]> {
    return this.remembered(this.cached, tenant, () => this.connections.allIds(tenant));
  }

  /** The tenant's domain connections: the ones a dynamically registered (third-party) application gets. */
  domainOf(tenant: string): Promise<string[]> {
    return this.remembered(this.cachedDomain, tenant, () => this.connections.domainIds(tenant));
  }

  /** Called after a connection of the tenant was created, changed or removed (and the read model shows it). */
  changed(tenant: string): void {
    this.cached.delete(tenant);
    this.cachedDomain.delete(tenant);
  }

  private remembered(cache: Map<string, Promise<string[]>>, tenant: string, read: () => Promise<string[]>) {
    if (!this.onlyWriter) return read();
    let ids = cache.get(tenant);
    if (!ids) {
      ids = read();
      cache.set(tenant, ids);
      ids.catch(() => cache.delete(tenant));
    }
    return ids;
  }
}
