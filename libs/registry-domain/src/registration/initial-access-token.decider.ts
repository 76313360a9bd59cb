import { RosterError } from '@roster/errors';
import type { Decider } from '../decider';
import { assertNever, notFound } from '../shared/domain-errors';
import { checkFields, type FieldTable } from '../shared/field-rules';
import { addSeconds } from '../shared/values';
import { payloadViolation, throwIfViolations } from '../shared/violations';
import type {
  InitialAccessTokenCommand,
  IssueInitialAccessToken,
  RevokeInitialAccessToken,
  UseInitialAccessToken,
} from './initial-access-token.commands';
import type { InitialAccessTokenEvent } from './initial-access-token.events';

export interface InitialAccessTokenEntry {
  id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  count: number;
  remaining_count: number;
}

/** Live tokens of one tenant by id; used-up, revoked and (at the next issue) expired ones are dropped. */
export type InitialAccessTokensState = { tokens: Record<string, InitialAccessTokenEntry> };

/** Keycloak's defaults: one use, valid for a day. */
export const DEFAULT_INITIAL_ACCESS_TOKEN = { expires_in: 86400, count: 1 } as const;
/** Bounds the stream's state (Roster). */
export const MAX_LIVE_INITIAL_ACCESS_TOKENS = 100;

export const INITIAL_ACCESS_TOKEN_RULES: FieldTable = {
  expires_in: { rule: { type: 'integer', minimum: 1, maximum: 31536000 } },
  count: { rule: { type: 'integer', minimum: 1, maximum: 1000000 } },
};

export const INITIAL_ACCESS_TOKEN_NOT_FOUND = 'Initial access token not found.';

/** One answer for every unusable token, so a caller learns nothing about which tokens exist. */
export const invalidInitialAccessToken = (): RosterError =>
  new RosterError('unauthorized', 'invalid_token', 'The initial access token is invalid, expired or used up');

const isLive = (entry: InitialAccessTokenEntry, at: string): boolean =>
  entry.remaining_count > 0 && Date.parse(entry.expires_at) > Date.parse(at);

const issue = ({ data }: IssueInitialAccessToken, state: InitialAccessTokensState): InitialAccessTokenEvent[] => {
  throwIfViolations(checkFields(data.options ?? {}, INITIAL_ACCESS_TOKEN_RULES, { mode: 'create' }));
  const options = { ...DEFAULT_INITIAL_ACCESS_TOKEN, ...(data.options as object) };
  const live = Object.values(state.tokens).filter((entry) => isLive(entry, data.at)).length;
  if (live >= MAX_LIVE_INITIAL_ACCESS_TOKENS) {
    throwIfViolations([
      payloadViolation('', `A tenant holds at most ${MAX_LIVE_INITIAL_ACCESS_TOKENS} live initial access tokens`),
    ]);
  }
  return [
    {
      type: 'InitialAccessTokenIssued',
      data: {
        tenant: data.tenant,
        id: data.id,
        at: data.at,
        token_hash: data.token_hash,
        expires_at: addSeconds(data.at, options.expires_in),
        count: options.count,
      },
    },
  ];
};

const use = ({ data }: UseInitialAccessToken, state: InitialAccessTokensState): InitialAccessTokenEvent[] => {
  const entry = Object.hasOwn(state.tokens, data.id) ? state.tokens[data.id] : undefined;
  if (!entry || !isLive(entry, data.at)) throw invalidInitialAccessToken();
  return [
    {
      type: 'InitialAccessTokenUsed',
      data: {
        tenant: data.tenant,
        id: data.id,
        at: data.at,
        client_id: data.client_id,
        remaining_count: entry.remaining_count - 1,
      },
    },
  ];
};

const revoke = ({ data }: RevokeInitialAccessToken, state: InitialAccessTokensState): InitialAccessTokenEvent[] => {
  if (!Object.hasOwn(state.tokens, data.id))
    throw notFound('inexistent_initial_access_token', INITIAL_ACCESS_TOKEN_NOT_FOUND);
  return [{ type: 'InitialAccessTokenRevoked', data: { tenant: data.tenant, id: data.id, at: data.at } }];
};

const without = (tokens: InitialAccessTokensState['tokens'], drop: (entry: InitialAccessTokenEntry) => boolean) =>
  Object.fromEntries(Object.entries(tokens).filter(([, entry]) => !drop(entry)));

const evolve = (state: InitialAccessTokensState, event: InitialAccessTokenEvent): InitialAccessTokensState => {
  switch (event.type) {
    case 'InitialAccessTokenIssued': {
      const { id, at, token_hash, expires_at, count } = event.data;
      const kept = without(state.tokens, (entry) => !isLive(entry, at));
      return {
        tokens: { ...kept, [id]: { id, token_hash, created_at: at, expires_at, count, remaining_count: count } },
      };
    }
    case 'InitialAccessTokenUsed': {
      const entry = state.tokens[event.data.id];
      if (!entry) return state;
      const remaining_count = event.data.remaining_count;
      if (remaining_count <= 0) return { tokens: without(state.tokens, (e) => e.id === entry.id) };
      return { tokens: { ...state.tokens, [entry.id]: { ...entry, remaining_count } } };
    }
    case 'InitialAccessTokenRevoked':
      return { tokens: without(state.tokens, (e) => e.id === event.data.id) };
    default:
      return assertNever(event);
  }
};

const decide = (command: InitialAccessTokenCommand, state: InitialAccessTokensState): InitialAccessTokenEvent[] => {
  switch (command.type) {
    case 'IssueInitialAccessToken':
      return issue(command, state);
    case 'UseInitialAccessToken':
      return use(command, state);
    case 'RevokeInitialAccessToken':
      return revoke(command, state);
    default:
      return assertNever(command);
  }
};

export const initialAccessTokenDecider: Decider<
  InitialAccessTokenCommand,
  InitialAccessTokenEvent,
  InitialAccessTokensState
> = { decide, evolve, initialState: () => ({ tokens: {} }) };
