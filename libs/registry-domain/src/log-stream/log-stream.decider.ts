import type { Decider } from '../decider';
import { assertNever, conflict, notFound } from '../shared/domain-errors';
import { changedFields, isEmpty, isPlainObject, jsonEqual } from '../shared/values';
import { validationError } from '../shared/violations';
import type { CreateLogStream, DeleteLogStream, LogStreamCommand, UpdateLogStream } from './log-stream.commands';
import type { LogStreamEvent, LogStreamSettings } from './log-stream.events';
import { evaluateLogStream, type LogStreamSnapshot } from './log-stream.rules';

export type LogStreamState =
  | { status: 'absent' }
  | {
      status: 'created';
      tenant: string;
      id: string;
      /** Number of events of the stream: the exporter restarts a stream's worker when it changes. */
      revision: number;
      stream: LogStreamSnapshot;
      sealed_secrets: string;
    }
  | { status: 'deleted'; tenant: string; id: string };

type CreatedLogStream = Extract<LogStreamState, { status: 'created' }>;

const requireCreated = (state: LogStreamState): CreatedLogStream => {
  if (state.status !== 'created') throw notFound('inexistent_log_stream', 'The log stream does not exist');
  return state;
};

const settingsOf = ({ type: _type, start_from: _startFrom, ...settings }: LogStreamSnapshot): LogStreamSettings =>
  settings;

/** Ids are generated (`lst_…`), so an existing stream here means a reused id: a bug or a collision, never a retry. */
const create = ({ data }: CreateLogStream, state: LogStreamState): LogStreamEvent[] => {
  if (state.status !== 'absent') throw conflict('log_stream_conflict', 'A log stream with this id already exists');
  const result = evaluateLogStream(data.log_stream, data.at);
  if (!result.ok) throw validationError(result.violations);
  return [
    {
      type: 'LogStreamCreated',
      data: { tenant: data.tenant, id: data.id, at: data.at, ...result.stream, sealed_secrets: data.sealed_secrets },
    },
  ];
};

/** `{status: "active"}` on a stream suspended at its current revision, which is configured active already. */
const resumes = (changes: unknown, stream: CreatedLogStream, suspendedRevision: number | undefined): boolean =>
  isPlainObject(changes) &&
  changes.status === 'active' &&
  stream.stream.status === 'active' &&
  suspendedRevision === stream.revision;

const update = ({ data }: UpdateLogStream, state: LogStreamState): LogStreamEvent[] => {
  const stream = requireCreated(state);
  const result = evaluateLogStream(data.changes, data.at, { stream: stream.stream, secrets: data.current_secrets });
  if (!result.ok) throw validationError(result.violations);
  const changes = changedFields(settingsOf(stream.stream), settingsOf(result.stream));
  const secretsChanged = !jsonEqual(result.secrets, data.current_secrets);
  const ids = { tenant: stream.tenant, id: stream.id, at: data.at };
  if (isEmpty(changes) && !secretsChanged) {
    return resumes(data.changes, stream, data.suspended_revision) ? [{ type: 'LogStreamResumed', data: ids }] : [];
  }
  return [
    {
      type: 'LogStreamChanged',
      data: { ...ids, changes, ...(secretsChanged ? { sealed_secrets: data.sealed_secrets } : {}) },
    },
  ];
};

const remove = ({ data }: DeleteLogStream, state: LogStreamState): LogStreamEvent[] => {
  const stream = requireCreated(state);
  return [{ type: 'LogStreamDeleted', data: { tenant: stream.tenant, id: stream.id, at: data.at } }];
};

const decide = (command: LogStreamCommand, state: LogStreamState): LogStreamEvent[] => {
  switch (command.type) {
    case 'CreateLogStream':
      return create(command, state);
    case 'UpdateLogStream':
      return update(command, state);
    case 'DeleteLogStream':
      return remove(command, state);
    default:
      return assertNever(command);
  }
};

const evolve = (state: LogStreamState, event: LogStreamEvent): LogStreamState => {
  switch (event.type) {
    case 'LogStreamCreated': {
      const { tenant, id, at: _at, sealed_secrets, ...stream } = event.data;
      return { status: 'created', tenant, id, revision: 1, stream, sealed_secrets };
    }
    case 'LogStreamChanged':
      return state.status === 'created'
        ? {
            ...state,
            revision: state.revision + 1,
            stream: { ...state.stream, ...event.data.changes },
            sealed_secrets: event.data.sealed_secrets ?? state.sealed_secrets,
          }
        : state;
    case 'LogStreamResumed':
      return state.status === 'created' ? { ...state, revision: state.revision + 1 } : state;
    case 'LogStreamDeleted':
      return { status: 'deleted', tenant: event.data.tenant, id: event.data.id };
    default:
      return assertNever(event);
  }
};

export const logStreamDecider: Decider<LogStreamCommand, LogStreamEvent, LogStreamState> = {
  decide,
  evolve,
  initialState: () => ({ status: 'absent' }),
};
