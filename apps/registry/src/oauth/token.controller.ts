import { Body, Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseTokenRequest } from './token-request';
import { TokenOutcome, TokenService } from './token.service';

/** `B/oauth/token`: RFC 6749 §4.4 client credentials, answered per §5.1 / §5.2. */
@Controller('tenants/:tenant/oauth/token')
export class TokenController {
  constructor(private readonly tokens: TokenService) {}

  @Post()
  @HttpCode(200)
  async token(
    @Param('tenant') tenant: string,
    @Body() body: unknown,
    @Headers('authorization') authorization: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<object> {
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const outcome: TokenOutcome = { clientId: '' };
    try {
      const parsed = parseTokenRequest(body, authorization);
      outcome.clientId = parsed.clientId;
      return await this.tokens.issue(tenant, parsed, request.ip, outcome);
    } catch (error) {
      // RFC 6749 §5.2: a client that tried HTTP Basic gets the scheme back with its 401.
      if (authorization && /^basic /i.test(authorization))
        void reply.header('www-authenticate', `Basic realm="${tenant}"`);
      throw error;
    }
  }
}
