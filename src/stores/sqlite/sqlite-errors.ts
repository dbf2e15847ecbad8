import { ArkyError } from "../../protocol/index.js";

// SQLite primary result codes (https://sqlite.org/rescode.html).
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;
const SQLITE_FULL = 13;
const SQLITE_CONSTRAINT = 19;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;
const SQLITE_CONSTRAINT_UNIQUE = 2067;

/** What failed, for the error message. */
export interface SqliteErrorContext {
  operation: string;
  path: string;
  sessionId?: string;
}

/**
 * Classifies anything thrown by `node:sqlite` into an ArkyError. ArkyErrors pass
 * through. A UNIQUE(session_id, seq) violation is the last guard against two writers
 * and becomes `session-conflict`; a busy or locked database is a retryable `store`
 * error; a full disk and everything else are `store` errors.
 */
export function toSqliteStoreError(error: unknown, context: SqliteErrorContext): ArkyError {
  if (ArkyError.isArkyError(error)) return error;
  const errcode = sqliteErrcode(error);
  const primary = errcode === undefined ? undefined : errcode & 0xff;
  const where = context.sessionId ? `${context.operation} session ${context.sessionId}` : context.operation;
  const details = { path: context.path, operation: context.operation, sqliteErrcode: errcode };
  const reason = error instanceof Error ? error.message : String(error);
  if (
    primary === SQLITE_CONSTRAINT &&
    (errcode === SQLITE_CONSTRAINT_PRIMARYKEY || errcode === SQLITE_CONSTRAINT_UNIQUE)
  ) {
    return new ArkyError({
      code: "session-conflict",
      message: `${where} failed: another writer stored the same seq first (${reason}).`,
      details,
      cause: error,
    });
  }
  if (primary === SQLITE_BUSY || primary === SQLITE_LOCKED) {
    return new ArkyError({
      code: "store",
      retryable: true,
      message: `${where} failed: the SQLite database ${context.path} is locked by another connection (${reason}).`,
      correction: "Retry later, or raise busyTimeoutMs if another process holds long transactions.",
      details,
      cause: error,
    });
  }
  if (primary === SQLITE_FULL) {
    return new ArkyError({
      code: "store",
      message: `${where} failed: the SQLite database ${context.path} is full (${reason}).`,
      correction: "Free disk space; events committed before this error are kept.",
      details,
      cause: error,
    });
  }
  return new ArkyError({
    code: "store",
    message: `${where} failed on the SQLite database ${context.path}: ${reason}`,
    details,
    cause: error,
  });
}

function sqliteErrcode(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("errcode" in error)) return undefined;
  return typeof error.errcode === "number" ? error.errcode : undefined;
}
