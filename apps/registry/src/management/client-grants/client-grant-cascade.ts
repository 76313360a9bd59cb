import { ClientGrantsReader } from '@roster/read-models';
import { ClientGrantState, clientGrantDecider, clientGrantStream } from '@roster/registry-domain';
import { CommandMetadata } from '../../infrastructure/aggregate-repository';
import { Clock } from '../../infrastructure/clock';
import { WriteModel } from '../../infrastructure/write-model';

/**
 * Client grants die with their application or their API (Auth0's behaviour). The read model drops them by itself;
 * this also ends their streams, so that the token endpoint (which reads the streams) agrees, and an API recreated
 * with the same identifier does not bring old grants back to life.
 */
export class ClientGrantCascade {
  constructor(
    private readonly grants: ClientGrantsReader,
    private readonly write: WriteModel,
    private readonly clock: Clock,
  ) {}

  /** Grant ids to remove once the owner is gone; taken before the owner's removal hides them from the read model. */
  async idsOf(tenant: string, owner: { client_id: string } | { audience: string }): Promise<string[]> {
    const ids: string[] = [];
    let from: string | undefined;
    do {
      const page = (await this.grants.list(tenant, { ...owner, from, take: 100 })) as {
        next?: string;
        client_grants: Array<{ id: string }>;
      };
      ids.push(...page.client_grants.map((g) => g.id));
      from = page.next;
    } while (from);
    return ids;
  }

  async remove(tenant: string, ids: readonly string[], metadata: CommandMetadata): Promise<void> {
    for (const id of ids) {
      const stream = clientGrantStream(tenant, id);
      // A grant removed meanwhile needs nothing more.
      if ((await this.write.load<ClientGrantState>(stream, clientGrantDecider)).state.status !== 'active') continue;
      await this.write.execute(
        stream,
        clientGrantDecider,
        { type: 'RemoveClientGrant', data: { tenant, client_grant_id: id, at: this.clock.isoNow() } },
        metadata,
      );
    }
  }
}
