import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  InitialAccessTokenEntry,
  InitialAccessTokensState,
  initialAccessTokenDecider,
  initialAccessTokensStream,
} from '@roster/registry-domain';
import { SecretHasher, generateClientSecret, generateId } from '@roster/security';
import { CurrentCaller } from '../../auth/caller.decorator';
import { Caller, ManagementAuthGuard } from '../../auth/management-auth.guard';
import { RequireAnyScope } from '../../auth/scopes.decorator';
import { Clock } from '../../infrastructure/clock';
import { WriteModel } from '../../infrastructure/write-model';
import { commandMetadata } from '../command-metadata';

/** An initial access token as listed: everything but its hash. */
const view = ({ token_hash: _hash, ...entry }: InitialAccessTokenEntry) => entry;

/**
 * `B/api/v2/initial-access-tokens`: tokens an administrator hands out so that registration at `B/oidc/register` is
 * limited to their holders (tenant setting `dynamic_client_registration.require_initial_access_token`), each with an
 * expiry and a number of uses. The token is `<id>.<secret>`, returned once; only its keyed hash is stored.
 */
@Controller('tenants/:tenant/api/v2/initial-access-tokens')
@UseGuards(ManagementAuthGuard)
export class InitialAccessTokensController {
  constructor(
    private readonly write: WriteModel,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
  ) {}

  @Get()
  @RequireAnyScope('read:initial_access_tokens')
  async list(@Param('tenant') tenant: string): Promise<unknown> {
    const { state } = await this.write.load<InitialAccessTokensState>(
      initialAccessTokensStream(tenant),
      initialAccessTokenDecider,
    );
    const now = this.clock.isoNow();
    return Object.values(state.tokens)
      .filter((entry) => entry.expires_at > now)
      .map(view);
  }

  @Post()
  @HttpCode(201)
  @RequireAnyScope('create:initial_access_tokens')
  async create(@Param('tenant') tenant: string, @Body() body: unknown, @CurrentCaller() caller: Caller) {
    const id = generateId('iat_');
    const token = `${id}.${generateClientSecret()}`;
    const { state } = await this.write.execute(
      initialAccessTokensStream(tenant),
      initialAccessTokenDecider,
      {
        type: 'IssueInitialAccessToken',
        data: { tenant, id, at: this.clock.isoNow(), token_hash: this.hasher.hash(token), options: body ?? {} },
      },
      commandMetadata(caller),
      { withoutReadModel: true },
    );
    return { ...view(state.tokens[id]), token };
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireAnyScope('delete:initial_access_tokens')
  async remove(@Param('tenant') tenant: string, @Param('id') id: string, @CurrentCaller() caller: Caller) {
    await this.write.execute(
      initialAccessTokensStream(tenant),
      initialAccessTokenDecider,
      { type: 'RevokeInitialAccessToken', data: { tenant, id, at: this.clock.isoNow() } },
      commandMetadata(caller),
      { withoutReadModel: true },
    );
  }
}
