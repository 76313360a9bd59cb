import { ConnectionsReader } from '@roster/read-models';

/**
 * The ids of a tenant's connections, which every new application gets enabled. When this process is the only writer
 * (all-in-one), the list is kept in memory and dropped by the connection handlers on every change; otherwise each
 * call asks the read model, since another registry may have changed the list.
 */
export class TenantConnectionIds {
  private readonly cached = new Map<string, Promise<string[]>>();

  constructor(
    private readonly connections: ConnectionsReader,
    private readonly onlyWriter: boolean,
  ) {}

  of(tenant: string): Promise<string[]> {
    if (!this.onlyWriter) return this.connections.allIds(tenant);
    let ids = this.cached.get(tenant);
    if (!ids) {
      ids = this.connections.allIds(tenant);
      this.cached.set(tenant, ids);
      ids.catch(() => this.cached.delete(tenant));
    }
    return ids;
  }

  /** Called after a connection of the tenant was created or removed (and the read model shows it). */
  changed(tenant: string): void {
    this.cached.delete(tenant);
  }
}
