import type { Pool, PoolClient } from "pg";
import { isBrokenConnection, type PostgresErrorContext, toPostgresStoreError } from "./postgres-errors.js";

/**
 * Runs `fn` on a pooled connection, classifying failures. A connection that broke is
 * destroyed rather than returned to the pool, and its late "error" events (which would
 * otherwise crash the process while it is checked out) are absorbed.
 */
export async function withClient<T>(
  pool: Pool,
  context: PostgresErrorContext,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw toPostgresStoreError(error, context);
  }
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken ??= error;
  };
  client.on("error", onError);
  try {
    return await fn(client);
  } catch (error) {
    const classified = toPostgresStoreError(error, context);
    if (isBrokenConnection(classified)) broken ??= classified;
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
