import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RosterError } from '@roster/errors';
import { OPERATOR_TENANT } from './management-scopes';

/** The operator API exists only on the operator tenant; elsewhere it is an unknown route (404), whatever the token. */
@Injectable()
export class OperatorTenantGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const tenant = (context.switchToHttp().getRequest<FastifyRequest>().params as Record<string, string>).tenant;
    if (tenant !== OPERATOR_TENANT) throw new RosterError('not_found', 'not_found', 'Not Found');
    return true;
  }
}
