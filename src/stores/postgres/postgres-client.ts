import type { Pool, PoolClient } from "pg";
import { ArkyError } from "../../protocol/index.js";
import { isBrokenConnection, type PostgresErrorContext, toPostgresStoreError } from "./postgres-errors.js";

/** Default of `PostgresSessionStoreOptions.timeoutMs`: 30 s per store call. */
export const DEFAULT_POSTGRES_TIMEOUT_MS = 30_000;

/**
 * Runs `fn` on a pooled connection, classifying failures. A connection that broke is
 * destroyed rather than returned to the pool, and its late "error" events (which would
 * otherwise crash the process while it is checked out) are absorbed. The whole call
 * (connecting included) is bounded by `timeoutMs` on the client side, since a frozen
 * server or network answers no server-side `statement_timeout`: past it the call fails
 * with a retryable `timeout` and the connection is destroyed. Whether a write cut off so
 * took effect is unknown (a frozen server may still run what it received when it resumes),
 * so a writer reads the session back before retrying.
 */
export async function withClient<T>(
  pool: Pool,
  context: PostgresErrorContext & { timeoutMs?: number },
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const timeoutMs = context.timeoutMs ?? DEFAULT_POSTGRES_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  let timedOut: ArkyError | undefined;
  const expired = new Promise<never>((_, reject) => {
    if (!(timeoutMs > 0) || timeoutMs > 2 ** 31 - 1) return;
    timer = setTimeout(() => {
      timedOut = new ArkyError({
        code: "timeout",
        message: `${context.operation}${context.sessionId ? ` session ${context.sessionId}` : ""} got no answer from PostgreSQL within ${timeoutMs} ms.`,
        correction: "Check that the server is up and not blocked; raise `timeoutMs` for slow servers. Retry.",
        details: { timeoutMs, ...(context.sessionId ? { sessionId: context.sessionId } : {}) },
      });
      reject(timedOut);
    }, timeoutMs);
  });
  expired.catch(() => {}); // only awaited through the races below
  try {
    return await run(pool, context, fn, expired, () => timedOut);
  } finally {
    clearTimeout(timer);
  }
}

async function run<T>(
  pool: Pool,
  context: PostgresErrorContext,
  fn: (client: PoolClient) => Promise<T>,
  expired: Promise<never>,
  timedOut: () => ArkyError | undefined,
): Promise<T> {
  let client: PoolClient;
  const connecting = pool.connect();
  try {
    client = await Promise.race([connecting, expired]);
  } catch (error) {
    // A connection that arrives after the deadline goes back to the pool, or away if it broke.
    if (timedOut())
      connecting.then(
        (late) => late.release(),
        () => {},
      );
    throw toPostgresStoreError(error, context);
  }
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on("error", onError);
  try {
    return await Promise.race([fn(client), expired]);
  } catch (error) {
    const classified = toPostgresStoreError(error, context);
    if (isBrokenConnection(classified) || timedOut()) broken ??= classified;
    throw classified;
  } finally {
    if (broken) {
      client.release(broken);
    } else {
      client.off("error", onError);
      client.release();
    }
  }
}

/** Runs `fn` between BEGIN and COMMIT on `client`; rolls back when it throws. */
export async function inTransaction<T>(client: PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const result = await fn();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {
      // The connection is gone; the server rolls the transaction back itself.
    });
    throw error;
  }
}
