import type { PoolClient } from "pg";
import { ArkyError } from "../../protocol/index.js";

/**
 * Schema migrations as functions of the quoted schema name, applied in order and
 * recorded in `<schema>.schema_migrations`. Append new ones; never edit a released one.
 */
export const POSTGRES_MIGRATIONS: readonly ((schema: string) => string)[] = [
  (s) => `
  CREATE TABLE ${s}.sessions (
    session_id text PRIMARY KEY,
    title text,
    runtime text,
    model text,
    cwd text,
    tags jsonb NOT NULL DEFAULT '[]',
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    parent_session_id text,
    forked_at_seq integer,
    last_seq integer NOT NULL DEFAULT 0,
    input_tokens bigint NOT NULL DEFAULT 0,
    output_tokens bigint NOT NULL DEFAULT 0,
    cache_read_input_tokens bigint NOT NULL DEFAULT 0,
    cache_creation_input_tokens bigint NOT NULL DEFAULT 0,
    cost_usd double precision NOT NULL DEFAULT 0,
    runtime_state jsonb
  );
  CREATE INDEX sessions_by_updated ON ${s}.sessions (updated_at DESC);
  CREATE INDEX sessions_by_tags ON ${s}.sessions USING gin (tags);
  CREATE TABLE ${s}.events (
    session_id text NOT NULL REFERENCES ${s}.sessions (session_id) ON DELETE CASCADE,
    seq integer NOT NULL,
    type text NOT NULL,
    is_delta boolean NOT NULL,
    schema_version integer NOT NULL,
    data text NOT NULL,
    PRIMARY KEY (session_id, seq)
  );
  CREATE INDEX events_without_deltas ON ${s}.events (session_id, seq) WHERE NOT is_delta;
  `,
  // Runs of deltas share a row (see encodeEventRows): `seq` is the run's first, `end_seq`
  // its last; NULL for a row holding one event, as every row written before this did.
  // With deltas in runs, reads without deltas skip few rows, so the partial index is
  // not worth its upkeep on every append.
  (s) => `
  ALTER TABLE ${s}.events ADD COLUMN end_seq integer;
  DROP INDEX ${s}.events_without_deltas;
  `,
];

/**
 * Brings `schema` to the latest version in one transaction under an advisory lock, so
 * two processes starting at once apply each migration exactly once. A schema from a
 * newer Arky is refused rather than misused.
 */
export async function migratePostgres(client: PoolClient, schemaName: string, quoted: string): Promise<void> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`arky-migrations:${schemaName}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${quoted}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(
      `SELECT coalesce(max(version), 0)::integer AS version FROM ${quoted}.schema_migrations`,
    );
    const current = rows[0]?.version ?? 0;
    if (current > POSTGRES_MIGRATIONS.length) {
      throw new ArkyError({
        code: "store",
        message: `The PostgreSQL schema ${schemaName} has version ${current}, newer than this Arky knows (${POSTGRES_MIGRATIONS.length}).`,
        correction: "Upgrade Arky to use this database.",
        details: { schema: schemaName, schemaVersion: current },
      });
    }
    for (let version = current; version < POSTGRES_MIGRATIONS.length; version++) {
      await client.query(POSTGRES_MIGRATIONS[version]!(quoted));
      await client.query(`INSERT INTO ${quoted}.schema_migrations (version) VALUES ($1)`, [version + 1]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {
      // The connection is gone; the server rolls the transaction back itself.
    });
    throw error;
  }
}
