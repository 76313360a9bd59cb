import { RosterError } from '@roster/errors';
import type { ClientsReader } from '@roster/read-models';

interface Count {
  value: number;
  readAt: number;
}

/**
 * The per-tenant cap on dynamically registered applications (DCR_MAX_CLIENTS). Counting the read model on every
 * registration would cost a query each; instead the count is read at most once a second (one read at a time per
 * tenant) and this process adds its own registrations and removals in between, so one registry process is exact and
 * several may pass the cap by what they register within that second.
 */
export class RegistrationCap {
  private readonly counts = new Map<string, Count>();
  private readonly reading = new Map<string, Promise<Count>>();

  constructor(
    private readonly clients: Pick<ClientsReader, 'countDynamicallyRegistered'>,
    readonly cap: number,
    private readonly refreshMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one place for a registration about to be made, or refuses when the tenant is at its cap. */
  async reserve(tenant: string): Promise<void> {
    const count = await this.current(tenant);
    if (count.value >= this.cap) {
      throw new RosterError(
        'validation',
        'invalid_client_metadata',
        `This tenant holds its maximum of ${this.cap} dynamically registered clients`,
      );
    }
    count.value += 1;
  }

  /** Gives a place back: the registration failed, or the application was removed. */
  release(tenant: string): void {
    const count = this.counts.get(tenant);
    if (count) count.value = Math.max(0, count.value - 1);
  }

  private current(tenant: string): Promise<Count> {
    const count = this.counts.get(tenant);
    if (count && this.now() - count.readAt < this.refreshMs) return Promise.resolve(count);
    let reading = this.reading.get(tenant);
    if (!reading) {
      reading = this.clients
        .countDynamicallyRegistered(tenant, this.cap)
        .then((value) => {
          const fresh = { value, readAt: this.now() };
          this.counts.set(tenant, fresh);
          return fresh;
        })
        .finally(() => this.reading.delete(tenant));
      this.reading.set(tenant, reading);
    }
    return reading;
  }
}
