import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RosterError } from '@roster/errors';
import { LogsReader } from '@roster/read-models';
import { ManagementAuthGuard } from '../auth/management-auth.guard';
import { RequireAnyScope } from '../auth/scopes.decorator';
import { QueryValidation } from '../http/validation.pipe';
import { FieldsQueryDto, ListQueryDto, selectFields } from '../management/list-query.dto';
import { LogIngestion } from './log-ingestion';
import { LogsFreshness } from './logs-freshness';

/** `GET logs`: Auth0's search mode (`q`, `sort`, `page`/`per_page`) or checkpoint mode (`from`/`take`). */
export class LogsQueryDto extends ListQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(1000, { message: 'q must be at most 1000 characters' })
  q?: string;

  @IsOptional()
  @IsIn(['date:1', 'date:-1'], { message: 'sort must be date:1 or date:-1' })
  sort?: 'date:1' | 'date:-1';

  @IsOptional()
  @IsString()
  @Matches(/^\d{1,20}$/, { message: 'from must be a log_id' })
  declare from?: string;
}

const NOT_FOUND = () => new RosterError('not_found', 'inexistent_log', 'The log event does not exist');

@Controller('tenants/:tenant/api/v2/logs')
@UseGuards(ManagementAuthGuard)
export class LogsController {
  constructor(
    private readonly logs: LogsReader,
    private readonly freshness: LogsFreshness,
    private readonly ingestion: LogIngestion,
  ) {}

  @Get()
  @RequireAnyScope('read:logs', 'read:logs_users')
  async list(
    @Param('tenant') tenant: string,
    @Query(QueryValidation) query: LogsQueryDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    await this.freshness.catchUp();
    const pick = (items: object[]) => items.map((item) => selectFields(item as Record<string, unknown>, query));
    if (query.from !== undefined || query.take !== undefined) {
      // Checkpoint mode: every other parameter is ignored (Auth0), and `Link` names the next page.
      const take = query.take ?? 50;
      const logs = await this.logs.after(tenant, query.from, take);
      const next = new URL(request.url, 'http://placeholder');
      next.search = '';
      const from = logs.length > 0 ? logs[logs.length - 1].log_id : query.from;
      if (from !== undefined) next.searchParams.set('from', from);
      next.searchParams.set('take', String(take));
      void reply.header('link', `<${next.pathname}${next.search}>; rel="next"`);
      return pick(logs);
    }
    const page = await this.logs.search(tenant, {
      q: query.q,
      page: query.page,
      per_page: query.per_page,
      sort: query.sort,
      include_totals: query.include_totals,
    });
    if (!query.include_totals) return pick(page.logs);
    return { start: page.start, limit: page.limit, length: page.logs.length, total: page.total, logs: pick(page.logs) };
  }

  @Get(':id')
  @RequireAnyScope('read:logs', 'read:logs_users')
  async get(
    @Param('tenant') tenant: string,
    @Param('id') id: string,
    @Query(QueryValidation) query: FieldsQueryDto,
  ): Promise<unknown> {
    await this.freshness.catchUp();
    const log = await this.logs.get(tenant, id);
    if (!log) throw NOT_FOUND();
    return selectFields(log as unknown as Record<string, unknown>, query);
  }

  /** Log events reported by other services (login pages, ...): each stored or rejected on its own. */
  @Post()
  @HttpCode(200)
  @RequireAnyScope('create:logs')
  async ingest(
    @Param('tenant') tenant: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const result = await this.ingestion.ingest(tenant, body);
    if (result.stored.length + result.duplicates.length > 0) return result;
    void reply.status(400);
    return {
      statusCode: 400,
      error: 'Bad Request',
      message: `No log event was stored: ${result.rejected[0].message}`,
      errorCode: 'invalid_body',
      ...result,
    };
  }
}
