import { RosterError } from '@roster/errors';

/** Errors the deciders raise besides validation; codes follow Auth0 where Auth0 documents one. */
export const notFound = (code: string, message: string): RosterError => new RosterError('not_found', code, message);
export const conflict = (code: string, message: string): RosterError => new RosterError('conflict', code, message);
export const forbidden = (code: string, message: string): RosterError => new RosterError('forbidden', code, message);
/** A handler broke the command contract (not the user's fault): never shown as a 4xx. */
export const contractBroken = (message: string): RosterError =>
  new RosterError('internal', 'command_contract', message);

export const assertNever = (value: never): never => {
  throw contractBroken(`Unhandled variant: ${JSON.stringify(value)}`);
};
