import { ValidationError, ValidationPipe } from '@nestjs/common';
import { RosterError } from '@roster/errors';

const flatten = (errors: ValidationError[], parent = ''): string[] =>
  errors.flatMap((e) => [
    ...Object.values(e.constraints ?? {}).map((m) => (parent ? `${parent}.${m}` : m)),
    ...flatten(e.children ?? [], parent ? `${parent}.${e.property}` : e.property),
  ]);

/** class-validator for query strings (bodies go through the domain rules), failing in Auth0's shape as invalid_query_string. */
export const QueryValidation = new ValidationPipe({
  transform: true,
  whitelist: true,
  forbidNonWhitelisted: true,
  exceptionFactory: (errors) =>
    new RosterError('validation', 'invalid_query_string', `Query validation error: ${flatten(errors).join('; ')}`),
});
