/**
 * `arky/sqlite`: the embedded {@link SqliteSessionStore} (one SQLite file through
 * `node:sqlite`).
 */
export { defaultSqlitePath } from "./default-path.js";
export { SQLITE_MIGRATIONS } from "./sqlite-migrations.js";
export {
  SqliteSessionStore,
  type SqliteSessionStoreOptions,
  type SqliteTailOptions,
} from "./sqlite-session-store.js";
