/**
 * Auth0's log event object (reference/auth0-domain.md §7.2): what the Logs API returns, what the relay puts on
 * Kafka and what log streams deliver. Fields that are not known are omitted, never null.
 */
export interface LogEvent {
  /** Unique and sortable: the decimal global position of the event that recorded it, zero-padded (see `logIdOf`). */
  log_id: string;
  /** ISO-8601. */
  date: string;
  /** Type code, e.g. `sapi`, `seccft`, `f` (see `LOG_TYPES`). */
  type: string;
  description?: string;
  client_id?: string;
  client_name?: string;
  ip?: string;
  hostname?: string;
  user_agent?: string;
  user_id?: string;
  user_name?: string;
  connection?: string;
  connection_id?: string;
  strategy?: string;
  strategy_type?: string;
  audience?: string;
  scope?: string | string[];
  organization_id?: string;
  organization_name?: string;
  isMobile?: boolean;
  details?: Record<string, unknown>;
  tenant_name: string;
}

/** A log event before it is stored: the store assigns `log_id`. */
export type LogEventDraft = Omit<LogEvent, 'log_id'>;
