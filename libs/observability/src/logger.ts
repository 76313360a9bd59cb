import { ConsoleLogger, type LoggerService, type LogLevel } from '@nestjs/common';
import { currentRequestId } from './request-context';

/**
 * Roster's process loggers, for Nest (`NestFactory.create({ logger })`, `Logger.overrideLogger`): `json` writes one
 * JSON object per line for a log collector, `text` is Nest's console format for a terminal. Both name the request a
 * line was written for, drop Nest's start-up chatter, and mask credentials that an error message or stack may carry
 * (a connection URL's password, an Authorization value). Callers never pass request bodies or headers.
 */

export type LogFormat = 'text' | 'json';

export interface RosterLoggerOptions {
  /** The service name every JSON line carries (`registry`, `projector`, ...). */
  service?: string;
  /** Default: log, warn, error, fatal. */
  levels?: LogLevel[];
  /** Where lines go (tests capture them). Default: stdout, and stderr for error and fatal. */
  write?: (line: string, level: LogLevel) => void;
  /** Default: now. */
  now?: () => Date;
}

const DEFAULT_LEVELS: LogLevel[] = ['log', 'warn', 'error', 'fatal'];

/** Nest's own start-up chatter (one line per module and route) is noise to an operator. */
const QUIET_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

const SECRET_PATTERNS: [RegExp, string][] = [
  // postgres://user:password@host, https://user:token@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi, '$1****@'],
  [/\b(Bearer|Basic|Splunk)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 ****'],
  [/\b([a-z_]*(?:secret|password|token|api_?key)[a-z_]*)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi, '$1$2****'],
];

/** Masks credentials in free text (messages, stacks). */
export const maskSecrets = (text: string): string =>
  SECRET_PATTERNS.reduce((masked, [pattern, replacement]) => masked.replace(pattern, replacement), text);

const looksLikeStack = (value: unknown): value is string => typeof value === 'string' && /\n\s+at /.test(value);

const textOf = (message: unknown): string => {
  if (typeof message === 'string') return message;
  if (message instanceof Error) return message.message;
  try {
    return JSON.stringify(message) ?? String(message);
  } catch {
    return String(message);
  }
};

/**
 * Nest passes `(message, ...params)` where the last string is the context when the logger has one; `error` may add a
 * stack before it. An Error as message brings its own stack.
 */
const parse = (message: unknown, params: unknown[]): { message: string; context?: string; stack?: string } => {
  const rest = [...params];
  let context: string | undefined;
  const last = rest[rest.length - 1];
  if (typeof last === 'string' && !looksLikeStack(last)) {
    context = last;
    rest.pop();
  }
  const stack =
    (rest.find(looksLikeStack) as string | undefined) ??
    (message instanceof Error ? message.stack : undefined) ??
    (rest.find((p): p is Error => p instanceof Error)?.stack || undefined);
  return { message: textOf(message), context, stack };
};

/** One JSON object per line: time, level, service, context, message, request_id, stack. */
export class JsonLogger implements LoggerService {
  private levels: Set<LogLevel>;
  private readonly write: (line: string, level: LogLevel) => void;
  private readonly now: () => Date;

  constructor(private readonly options: RosterLoggerOptions = {}) {
    this.levels = new Set(options.levels ?? DEFAULT_LEVELS);
    this.write = options.write ?? defaultWrite;
    this.now = options.now ?? (() => new Date());
  }

  log(message: unknown, ...params: unknown[]): void {
    this.emit('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.emit('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.emit('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.emit('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.emit('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.emit('fatal', message, params);
  }
  setLogLevels(levels: LogLevel[]): void {
    this.levels = new Set(levels);
  }

  private emit(level: LogLevel, raw: unknown, params: unknown[]): void {
    if (!this.levels.has(level)) return;
    const { message, context, stack } = parse(raw, params);
    if (context && QUIET_CONTEXTS.has(context) && level === 'log') return;
    const requestId = currentRequestId();
    const line = {
      time: this.now().toISOString(),
      level,
      ...(this.options.service ? { service: this.options.service } : {}),
      ...(context ? { context } : {}),
      message: maskSecrets(message),
      ...(requestId ? { request_id: requestId } : {}),
      ...(stack ? { stack: maskSecrets(stack) } : {}),
    };
    this.write(`${JSON.stringify(line)}\n`, level);
  }
}

/** Nest's console format, quiet at start-up, with the request id in front of the message. */
export class TextLogger extends ConsoleLogger {
  constructor(levels: LogLevel[] = DEFAULT_LEVELS) {
    super({ logLevels: levels });
  }

  override log(message: unknown, ...params: unknown[]): void {
    const context = params[params.length - 1];
    if (typeof context === 'string' && QUIET_CONTEXTS.has(context)) return;
    super.log(this.decorate(message), ...params);
  }
  override warn(message: unknown, ...params: unknown[]): void {
    super.warn(this.decorate(message), ...params);
  }
  override error(message: unknown, ...params: unknown[]): void {
    super.error(this.decorate(message), ...params.map((p) => (typeof p === 'string' ? maskSecrets(p) : p)));
  }
  override fatal(message: unknown, ...params: unknown[]): void {
    super.fatal(this.decorate(message), ...params);
  }

  private decorate(message: unknown): unknown {
    if (typeof message !== 'string') return message;
    const requestId = currentRequestId();
    return requestId ? `[${requestId}] ${maskSecrets(message)}` : maskSecrets(message);
  }
}

const defaultWrite = (line: string, level: LogLevel): void => {
  (level === 'error' || level === 'fatal' ? process.stderr : process.stdout).write(line);
};

export const createLogger = (format: LogFormat, options: RosterLoggerOptions = {}): LoggerService =>
  format === 'json' ? new JsonLogger(options) : new TextLogger(options.levels);
