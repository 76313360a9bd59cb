/**
 * Messages between `PgliteDatabase` (the process's main thread) and the worker thread that owns the embedded
 * database (`pglite-thread.worker.ts`). Every request carries an id and gets exactly one reply with that id;
 * notifications of LISTEN channels come unasked.
 */

export interface PgliteThreadOptions {
  /** Undefined: in memory. */
  dataDir?: string;
  /** PGlite's compiled WebAssembly modules (compiled once per process, see `PgliteDatabase`). */
  pgliteWasm: WasmModule;
  initdbWasm: WasmModule;
}

/** A `WebAssembly.Module`: the project compiles without the DOM library, which is where its type lives. */
export type WasmModule = object;

export type PgliteRequest =
  | { id: number; op: 'query'; text: string; params: readonly unknown[] }
  /** Replies once the transaction has begun and holds the database; ends with `end`. */
  | { id: number; op: 'begin' }
  | { id: number; op: 'txQuery'; tx: number; text: string; params: readonly unknown[] }
  /** Replies once COMMIT (or ROLLBACK) is done; a COMMIT that failed replies its error. */
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'listen'; channel: string }
  | { id: number; op: 'unlisten'; channel: string }
  | { id: number; op: 'close' };

export type PgliteReply =
  { id: number; rows?: unknown[] } | { id: number; error: SerializedError } | { notify: string; payload: string };

/** An error as plain data: structured cloning would keep only its message, and callers read `code`, `detail`, ... */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

export const serializeError = (error: unknown): SerializedError => {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || typeof value === 'function') continue;
    fields[key] = typeof value === 'object' && value !== null ? String(value) : value;
  }
  return { name: error.name, message: error.message, stack: error.stack, fields };
};

export const deserializeError = ({ name, message, stack, fields }: SerializedError): Error => {
  const error = Object.assign(new Error(message), fields);
  error.name = name;
  if (stack) error.stack = stack;
  return error;
};
