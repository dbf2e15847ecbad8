import type { DatabaseSync } from "node:sqlite";
import { ArkyError } from "../../protocol/index.js";

/** The columns of `sessions` after its key, the same in both layouts. */
const SESSION_FIELDS = `    title TEXT,
    runtime TEXT,
    model TEXT,
    cwd TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    parent_session_id TEXT,
    forked_at_seq INTEGER,
    last_seq INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_input_tokens INTEGER NOT NULL DEFAULT 0,
    cache_creation_input_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL NOT NULL DEFAULT 0,
    runtime_state TEXT`;
/** The columns the second migration copies into the new `sessions`. */
const COPIED = `session_id, title, runtime, model, cwd, tags, created_at, updated_at,
      parent_session_id, forked_at_seq, last_seq, input_tokens, output_tokens, cache_read_input_tokens,
      cache_creation_input_tokens, cost_usd, runtime_state`;

/**
 * Schema migrations, applied in order; the database's `user_version` is the number
 * applied. Append new ones; never edit a released one.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sessions (
    session_id TEXT PRIMARY KEY,
${SESSION_FIELDS}
  );
  CREATE TABLE events (
    session_id TEXT NOT NULL REFERENCES sessions (session_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    is_delta INTEGER NOT NULL,
    schema_version INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (session_id, seq)
  ) WITHOUT ROWID;
  CREATE INDEX events_without_deltas ON events (session_id, seq) WHERE is_delta = 0;
  `,
  // Runs of deltas share a row (see encodeEventRows): `seq` is the run's first, `end_seq`
  // its last; NULL for a row holding one event, as every row written before this did.
  // Events are keyed by one integer, (sid << 32) + seq, with `sid` a session's stable
  // number: an append adds to the end of one b-tree instead of rebalancing index leaves
  // (WITHOUT ROWID) or updating a second index, and every dirty page is a WAL write.
  // Without an index on events.session_id, deleting a session deletes its key range
  // itself instead of through a foreign key.
  `
  CREATE TABLE sessions_v2 (
    sid INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL UNIQUE,
${SESSION_FIELDS}
  );
  INSERT INTO sessions_v2 (${COPIED})
    SELECT ${COPIED}
    FROM sessions ORDER BY rowid;
  CREATE TABLE events_v2 (
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    end_seq INTEGER,
    type TEXT NOT NULL,
    is_delta INTEGER NOT NULL,
    schema_version INTEGER NOT NULL,
    data TEXT NOT NULL
  );
  INSERT INTO events_v2 (id, session_id, seq, type, is_delta, schema_version, data)
    SELECT (s.sid << 32) + e.seq, e.session_id, e.seq, e.type, e.is_delta, e.schema_version, e.data
    FROM events e JOIN sessions_v2 s ON s.session_id = e.session_id ORDER BY 1;
  DROP TABLE events;
  DROP TABLE sessions;
  ALTER TABLE sessions_v2 RENAME TO sessions;
  ALTER TABLE events_v2 RENAME TO events;
  `,
  // No change of layout, one of meaning: an append no longer writes sessions.last_seq
  // (readers take the last seq from the events), so an Arky that trusts the column must
  // refuse this database rather than see a conflict on every append.
  "SELECT 1",
];

/**
 * Brings the database to the latest schema in one immediate transaction, so two
 * processes opening a new file at once apply each migration once. A database from a
 * newer Arky is refused rather than misread.
 */
export function migrateSqlite(db: DatabaseSync, path: string): void {
  db.exec("BEGIN IMMEDIATE");
  try {
    const row = db.prepare("PRAGMA user_version").get() as { user_version?: unknown } | undefined;
    const current = typeof row?.user_version === "number" ? row.user_version : 0;
    if (current > SQLITE_MIGRATIONS.length) {
      throw new ArkyError({
        code: "store",
        message: `The session database ${path} has schema version ${current}, newer than this Arky knows (${SQLITE_MIGRATIONS.length}).`,
        correction: "Upgrade Arky to open this database.",
        details: { path, schemaVersion: current },
      });
    }
    for (let version = current; version < SQLITE_MIGRATIONS.length; version++) {
      db.exec(SQLITE_MIGRATIONS[version]!);
    }
    if (current !== SQLITE_MIGRATIONS.length) db.exec(`PRAGMA user_version = ${SQLITE_MIGRATIONS.length}`);
    db.exec("COMMIT");
  } catch (error) {
    rollback(db);
    throw error;
  }
}

/** Rolls back the open transaction, if SQLite has not already done so (it does on SQLITE_FULL). */
export function rollback(db: DatabaseSync): void {
  try {
    db.exec("ROLLBACK");
  } catch {
    // "no transaction is active": SQLite rolled back itself.
  }
}
