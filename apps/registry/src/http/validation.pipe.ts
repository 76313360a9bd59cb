import { ValidationError, ValidationPipe } from '@nestjs/common';
import { RosterError } from '@roster/errors';

const flatten = (errors: ValidationError[], parent = ''): string[] =>
  errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (parent ? `${parent}.${m}` : m)),
    ...flatten(e.children ?? [], parent ? `${parent}.${e.property}` : e.property),
  ]);

/** class-validator for query strings and small bodies, failing in Auth0's shape with one stable code per place. */
export const QueryValidation = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  exceptionFactory: (errors) =>
    new RosterError('validation', 'invalid_query_string', `Query validation error: ${flatten(errors).join('; ')}`),
});
