import { Command } from '@nestjs/cqrs';
import type { ClientDocument } from '@roster/read-models';
import type { CommandMetadata } from '../../../infrastructure/aggregate-repository';

/** A client as the Management API returns it; `client_secret` only in the answer that created it. */
export type ClientResponse = ClientDocument & { client_secret?: string };

export class CreateClientCommand extends Command<ClientResponse> {
  constructor(
    readonly tenant: string,
    readonly body: unknown,
    readonly metadata: CommandMetadata,
    readonly origin: 'management_api' | 'dynamic_registration' | 'bootstrap' = 'management_api',
    /** Only the bootstrap passes its configured credentials; everyone else gets generated ones. */
    readonly credentials?: { clientId: string; clientSecret: string },
  ) {
    super();
  }
}

export class UpdateClientCommand extends Command<ClientResponse> {
  constructor(
    readonly tenant: string,
    readonly clientId: string,
    readonly body: unknown,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

export class RotateClientSecretCommand extends Command<ClientResponse> {
  constructor(
    readonly tenant: string,
    readonly clientId: string,
    readonly graceSeconds: number,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

export class DeleteClientCommand extends Command<void> {
  constructor(
    readonly tenant: string,
    readonly clientId: string,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}

export class ChangeClientConnectionsCommand extends Command<void> {
  constructor(
    readonly tenant: string,
    readonly clientId: string,
    /** connection id → enabled */
    readonly changes: ReadonlyMap<string, boolean>,
    readonly metadata: CommandMetadata,
  ) {
    super();
  }
}
