import pg from "pg";
import { ArkyError } from "../../protocol/index.js";

/** SQLSTATEs after which the same call may succeed (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
const RETRYABLE_SQLSTATES = new Set([
  "40001", // serialization_failure
  "40P01", // deadlock_detected
  "53300", // too_many_connections
  "55P03", // lock_not_available
  "57P01", // admin_shutdown (pg_terminate_backend)
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
]);

/** What failed, for the error message. */
export interface PostgresErrorContext {
  operation: string;
  sessionId?: string;
}

/**
 * Classifies anything thrown by `pg` into an ArkyError. ArkyErrors pass through. A
 * unique violation becomes `session-conflict`; server errors are `store` errors,
 * retryable for connection-class and transient SQLSTATEs. Errors that are not server
 * errors come from the driver's transport (a refused, reset or dropped connection) and
 * are retryable `store` errors.
 */
export function toPostgresStoreError(error: unknown, context: PostgresErrorContext): ArkyError {
  if (ArkyError.isArkyError(error)) return error;
  const where = context.sessionId ? `${context.operation} session ${context.sessionId}` : context.operation;
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof pg.DatabaseError) {
    const sqlstate = error.code ?? "";
    const details = { operation: context.operation, sqlstate };
    if (sqlstate === "23505") {
      return new ArkyError({
        code: "session-conflict",
        message: `${where} failed: another writer stored the same seq first (${reason}).`,
        details,
        cause: error,
      });
    }
    const retryable = sqlstate.startsWith("08") || RETRYABLE_SQLSTATES.has(sqlstate);
    return new ArkyError({
      code: "store",
      retryable,
      message: `${where} failed on PostgreSQL: ${reason}`,
      correction: retryable ? "The connection or transaction was interrupted; retry the call." : undefined,
      details,
      cause: error,
    });
  }
  return new ArkyError({
    code: "store",
    retryable: true,
    message: `${where} failed: the PostgreSQL connection failed (${reason}).`,
    correction: "Check that the database is reachable; retry the call.",
    details: { operation: context.operation, errno: (error as { code?: unknown } | null)?.code },
    cause: error,
  });
}

/** Whether a classified error means the connection it happened on is unusable. */
export function isBrokenConnection(error: ArkyError): boolean {
  return error.code === "store" && error.retryable;
}
