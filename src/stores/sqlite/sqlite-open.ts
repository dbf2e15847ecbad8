import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { ArkyError } from "../../protocol/index.js";
import { sleepSync } from "./sleep.js";
import { toSqliteStoreError } from "./sqlite-errors.js";
import { migrateSqlite } from "./sqlite-migrations.js";

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
