import { chmodSync, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ArkyError } from "../../protocol/index.js";
import { sleepSync } from "./sleep.js";
import { toSqliteStoreError } from "./sqlite-errors.js";
import { migrateSqlite } from "./sqlite-migrations.js";

/**
 * Refuses an existing zero-length file: SQLite would open it as a new, empty database, and
 * the sessions it should hold would be silently gone (a truncated copy, a failed restore).
 * Another process creating the store leaves the file empty for a moment, so an empty file
 * is given a little time (at most the busy timeout, up to a second) to gain its header.
 */
function assertNotEmptyFile(path: string, busyTimeoutMs: number): void {
  const deadline = Date.now() + Math.min(busyTimeoutMs, 1000);
  for (let attempt = 1; statSync(path).size === 0; attempt++) {
    if (Date.now() >= deadline) {
      throw new ArkyError({
        code: "store",
        message: `The session store ${path} is an empty (zero-length) file, not a SQLite database.`,
        correction:
          "Its sessions are not there: restore the file from a backup, or delete it to start a new, empty store.",
        details: { path },
      });
    }
    sleepSync(Math.min(5 * attempt, 50));
  }
}

/**
 * Opens (creating when missing, private to the user) a session database in WAL mode with
 * `synchronous=NORMAL` and migrates it. Failures are classified `store` errors.
 */
export function openSqliteDatabase(path: string, busyTimeoutMs: number): DatabaseSync {
  let db: DatabaseSync;
  const context = { operation: "Opening the session store", path };
  try {
    const onDisk = path !== ":memory:" && !path.startsWith("file:");
    // Sessions hold prompts and tool output: new directories and files are private to the user.
    if (onDisk) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    const isNew = onDisk && !existsSync(path);
    if (onDisk && !isNew) assertNotEmptyFile(path, busyTimeoutMs);
    db = new DatabaseSync(path, { enableForeignKeyConstraints: true });
    db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
    if (isNew) chmodSync(path, 0o600);
  } catch (error) {
    throw toSqliteStoreError(error, context);
  }
  // Switching a new file to WAL can fail with SQLITE_BUSY at once, without the busy
  // handler, while another process does the same; so retry until the busy timeout.
  const deadline = Date.now() + busyTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const { journal_mode: mode } = db.prepare("PRAGMA journal_mode = WAL").get() ?? {};
      if (mode !== "wal" && path !== ":memory:") {
        throw new ArkyError({
          code: "store",
          retryable: true,
          message: `Could not switch ${path} to WAL mode (it is in ${String(mode)} mode).`,
        });
      }
      db.exec("PRAGMA synchronous = NORMAL");
      migrateSqlite(db, path);
      break;
    } catch (error) {
      const classified = toSqliteStoreError(error, context);
      if (classified.retryable && Date.now() < deadline) {
        sleepSync(Math.min(5 * attempt, 50));
        continue;
      }
      db.close();
      throw classified;
    }
  }
  return db;
}
