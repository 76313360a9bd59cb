import { Command, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  LogStreamHealthReader,
  sealSinkSecrets,
  sinkSecretsContext,
  sinkSecretsOpener,
  type SinkSecretsOpener,
} from '@roster/read-models';
import {
  isPlainObject,
  logStreamDecider,
  logStreamStream,
  sinkSecretsAfter,
  type LogStreamCommand,
  type LogStreamState,
} from '@roster/registry-domain';
import { SecretBox, generateId } from '@roster/security';
import type { CommandMetadata } from '../../infrastructure/aggregate-repository';
import { Clock } from '../../infrastructure/clock';
import { WriteModel } from '../../infrastructure/write-model';

export type LogStreamChange =
  { kind: 'create'; body: unknown } | { kind: 'update'; id: string; body: unknown } | { kind: 'delete'; id: string };

/** Runs one change of a log stream; answers the stream's id. */
export class ChangeLogStreamCommand extends Command<string> {
  constructor(
    readonly tenant: string,
    readonly change: LogStreamChange,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/** The `sink` of a body, if it has one (the decider reports what is wrong with it). */
const sinkOf = (body: unknown): unknown => (isPlainObject(body) ? body.sink : undefined);

/**
 * The decider is pure, so sealing and opening happen here: the handler seals the secret sink fields the stream will
 * have if the command succeeds (`sinkSecretsAfter`), and on update opens the current ones for the decider to compare.
 */
@CommandHandler(ChangeLogStreamCommand)
export class ChangeLogStreamHandler implements ICommandHandler<ChangeLogStreamCommand> {
  private readonly open: SinkSecretsOpener;

  constructor(
    private readonly write: WriteModel,
    private readonly box: SecretBox,
    private readonly health: LogStreamHealthReader,
    private readonly clock: Clock,
  ) {
    this.open = sinkSecretsOpener(box);
  }

  async execute({ tenant, change, metadata }: ChangeLogStreamCommand): Promise<string> {
    const at = this.clock.isoNow();
    switch (change.kind) {
      case 'create': {
        const id = generateId('lst_');
        const type = isPlainObject(change.body) ? change.body.type : undefined;
        const secrets = sinkSecretsAfter(type, {}, sinkOf(change.body));
        await this.run(
          tenant,
          id,
          {
            type: 'CreateLogStream',
            data: {
              tenant,
              id,
              at,
              log_stream: change.body,
              sealed_secrets: sealSinkSecrets(this.box, tenant, id, secrets),
            },
          },
          metadata,
          { newStream: true },
        );
        return id;
      }
      case 'update': {
        const { id, body } = change;
        const suspended = await this.health.suspendedRevision(tenant, id);
        await this.run(
          tenant,
          id,
          (state) => {
            const current =
              state.status === 'created' ? this.open(state.sealed_secrets, sinkSecretsContext(tenant, id)) : {};
            const next = sinkSecretsAfter(
              state.status === 'created' ? state.stream.type : undefined,
              current,
              sinkOf(body),
            );
            return {
              type: 'UpdateLogStream',
              data: {
                tenant,
                id,
                at,
                changes: body,
                current_secrets: current,
                sealed_secrets: sealSinkSecrets(this.box, tenant, id, next),
                ...(suspended === undefined ? {} : { suspended_revision: suspended }),
              },
            };
          },
          metadata,
        );
        return id;
      }
      case 'delete':
        await this.run(tenant, change.id, { type: 'DeleteLogStream', data: { tenant, id: change.id, at } }, metadata);
        return change.id;
    }
  }

  private async run(
    tenant: string,
    id: string,
    command: LogStreamCommand | ((state: LogStreamState) => LogStreamCommand),
    metadata: CommandMetadata,
    options?: { newStream?: boolean },
  ): Promise<void> {
    await this.write.execute(logStreamStream(tenant, id), logStreamDecider, command, metadata, options);
  }
}
