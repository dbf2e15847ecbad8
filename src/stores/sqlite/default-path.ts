import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The default SQLite session file: `$ARKY_HOME/sessions.db` when `ARKY_HOME` is set,
 * else `~/.arky/sessions.db`.
 */
export function defaultSqlitePath(env: Record<string, string | undefined> = process.env): string {
  const home = env.ARKY_HOME || join(homedir(), ".arky");
  return join(home, "sessions.db");
}
