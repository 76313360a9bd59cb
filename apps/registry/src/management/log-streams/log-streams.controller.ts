import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RosterError } from '@roster/errors';
import {
  LogStreamHealthReader,
  LogStreamsReader,
  reportedStatus,
  type DeadLetter,
  type LogStreamHealth,
  type LogStreamView,
} from '@roster/read-models';
import { CurrentCaller } from '../../auth/caller.decorator';
import { Caller, ManagementAuthGuard } from '../../auth/management-auth.guard';
import { RequireAnyScope } from '../../auth/scopes.decorator';
import { commandMetadata } from '../command-metadata';
import { ChangeLogStreamCommand, type LogStreamChange } from './log-stream.handler';

const NOT_FOUND = () => new RosterError('not_found', 'inexistent_log_stream', 'The log stream does not exist');

/** `lst_` + 16 alphanumerics: anything else cannot name a stream, and never reaches the store. */
const LOG_STREAM_ID = /^lst_[A-Za-z0-9]{16}$/;

const checkedId = (id: string): string => {
  if (!LOG_STREAM_ID.test(id)) throw NOT_FOUND();
  return id;
};

/** Auth0's log stream object plus Roster's `health`; `status` is `suspended` while the exporter holds it so. */
export type LogStreamResponse = Omit<LogStreamView['doc'], 'status'> & {
  status: 'active' | 'paused' | 'suspended';
  health: LogStreamHealth;
};

/** `B/api/v2/log-streams`: sink secrets are only ever answered masked, on create too. */
@Controller('tenants/:tenant/api/v2/log-streams')
@UseGuards(ManagementAuthGuard)
export class LogStreamsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly streams: LogStreamsReader,
    private readonly health: LogStreamHealthReader,
  ) {}

  /** A bare array, as Auth0 (no paging). */
  @Get()
  @RequireAnyScope('read:log_streams')
  async list(@Param('tenant') tenant: string): Promise<LogStreamResponse[]> {
    const views = await this.streams.list(tenant);
    return Promise.all(views.map((view) => this.present(tenant, view)));
  }

  @Post()
  @HttpCode(201)
  @RequireAnyScope('create:log_streams')
  create(@Param('tenant') tenant: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    return this.change(tenant, { kind: 'create', body }, caller);
  }

  @Get(':id')
  @RequireAnyScope('read:log_streams')
  get(@Param('tenant') tenant: string, @Param('id') id: string): Promise<LogStreamResponse> {
    return this.one(tenant, checkedId(id));
  }

  @Patch(':id')
  @RequireAnyScope('update:log_streams')
  update(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @CurrentCaller() caller: Caller,
  ): Promise<LogStreamResponse> {
    return this.change(tenant, { kind: 'update', id: checkedId(id), body }, caller);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireAnyScope('delete:log_streams')
  async remove(@Param('tenant') tenant: string, @Param('id') id: string, @CurrentCaller() caller: Caller) {
    await this.commands.execute(
      new ChangeLogStreamCommand(tenant, { kind: 'delete', id: checkedId(id) }, commandMetadata(caller)),
    );
  }

  /** Roster extension: the log events the exporter gave up on for this stream, newest first, at most 100. */
  @Get(':id/dead-letters')
  @RequireAnyScope('read:log_streams')
  async deadLetters(@Param('tenant') tenant: string, @Param('id') id: string): Promise<DeadLetter[]> {
    if (!(await this.streams.get(tenant, checkedId(id)))) throw NOT_FOUND();
    return this.health.deadLetters(tenant, id);
  }

  private async change(tenant: string, change: LogStreamChange, caller: Caller): Promise<LogStreamResponse> {
    const id = await this.commands.execute(new ChangeLogStreamCommand(tenant, change, commandMetadata(caller)));
    return this.one(tenant, id);
  }

  private async one(tenant: string, id: string): Promise<LogStreamResponse> {
    const view = await this.streams.get(tenant, id);
    if (!view) throw NOT_FOUND();
    return this.present(tenant, view);
  }

  private async present(tenant: string, { doc, revision, createdPosition }: LogStreamView): Promise<LogStreamResponse> {
    const { health, suspendedRevision } = await this.health.of(tenant, doc.id, createdPosition);
    return {
      id: doc.id,
      name: doc.name,
      type: doc.type,
      status: reportedStatus(doc.status, revision, suspendedRevision),
      filters: doc.filters,
      ...(doc.isPriority === undefined ? {} : { isPriority: doc.isPriority }),
      sink: doc.sink,
      health,
    };
  }
}
