import { SESSION_COLUMNS } from "./sqlite-rows.js";

/** The statements of {@link SqliteSessionStore}. Rows of `events` are laid out by `encodeEventRows`. */
export const SQL = {
  begin: "BEGIN IMMEDIATE",
  commit: "COMMIT",
  insertEvent:
    "INSERT INTO events (session_id, seq, end_seq, type, is_delta, schema_version, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
  selectMeta: "SELECT * FROM sessions WHERE session_id = ?",
  /**
   * Adds an append's totals to the stored ones, only if the stored last seq is the one
   * the append continues (so a stale writer changes nothing and sees 0 changes).
   */
  appendMeta: `UPDATE sessions SET
      last_seq = ?, updated_at = ?,
      input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,
      cache_read_input_tokens = cache_read_input_tokens + ?,
      cache_creation_input_tokens = cache_creation_input_tokens + ?,
      cost_usd = cost_usd + ?,
      title = coalesce(title, ?), runtime = coalesce(runtime, ?),
      model = coalesce(model, ?), cwd = coalesce(cwd, ?)
    WHERE session_id = ? AND last_seq = ?`,
  page: "SELECT seq, end_seq, schema_version, data FROM events WHERE session_id = ? AND seq > ? ORDER BY seq LIMIT ?",
  pageWithoutDeltas:
    "SELECT seq, end_seq, schema_version, data FROM events WHERE session_id = ? AND seq > ? AND is_delta = 0 ORDER BY seq LIMIT ?",
  /** The row holding `seq` or the last one before it: a run row there may reach past `seq`. */
  rowAtOrBefore:
    "SELECT seq, end_seq, schema_version, data FROM events WHERE session_id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1",
  insertMeta: `INSERT INTO sessions (${SESSION_COLUMNS.join(", ")}) VALUES (${SESSION_COLUMNS.map((c) => `$${c}`).join(", ")})`,
  updateMeta: `UPDATE sessions SET ${SESSION_COLUMNS.filter((c) => c !== "session_id")
    .map((c) => `${c} = $${c}`)
    .join(", ")} WHERE session_id = $session_id`,
  /** Copies the rows that end at or before the fork point; a run reaching past it is split in code. */
  copyPrefix: `INSERT INTO events (session_id, seq, end_seq, type, is_delta, schema_version, data)
    SELECT ?, seq, end_seq, type, is_delta, schema_version, json_set(data, '$.sessionId', ?)
    FROM events WHERE session_id = ? AND coalesce(end_seq, seq) <= ? ORDER BY seq`,
  prefixTotals: `SELECT
      coalesce(sum(json_extract(data, '$.usage.inputTokens')), 0) AS input_tokens,
      coalesce(sum(json_extract(data, '$.usage.outputTokens')), 0) AS output_tokens,
      coalesce(sum(json_extract(data, '$.usage.cacheReadInputTokens')), 0) AS cache_read_input_tokens,
      coalesce(sum(json_extract(data, '$.usage.cacheCreationInputTokens')), 0) AS cache_creation_input_tokens,
      coalesce(sum(json_extract(data, '$.costUsd')), 0) AS cost_usd
    FROM events WHERE session_id = ? AND seq <= ? AND type = 'turn-end'`,
  deleteSession: "DELETE FROM sessions WHERE session_id = ?",
} as const;
