import { Command } from '@nestjs/cqrs';
import type { ConnectionView } from '@roster/read-models';
import type { CommandMetadata } from '../../infrastructure/aggregate-repository';

export class CreateConnectionCommand extends Command<ConnectionView> {
  constructor(
    readonly tenant: string,
    readonly body: unknown,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

export class UpdateConnectionCommand extends Command<ConnectionView> {
  constructor(
    readonly tenant: string,
    readonly connectionId: string,
    readonly body: unknown,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

export class DeleteConnectionCommand extends Command<void> {
  constructor(
    readonly tenant: string,
    readonly connectionId: string,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

/** `PATCH connections/{id}/clients`: `[{client_id, status}]`, at most 50 items. */
export class ChangeConnectionClientsCommand extends Command<void> {
  constructor(
    readonly tenant: string,
    readonly connectionId: string,
    readonly changes: ReadonlyArray<{ client_id: string; status: boolean }>,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}
