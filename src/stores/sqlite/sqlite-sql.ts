import { SESSION_COLUMNS } from "./sqlite-rows.js";

/** The statements of {@link SqliteSessionStore}. Rows of `events` are laid out by `encodeEventRows`. */
export const SQL = {
  begin: "BEGIN IMMEDIATE",
  commit: "COMMIT",
  /** Params: sid, seq, session id, seq, end seq, type, is delta, schema version, data. */
  insertEvent:
    "INSERT INTO events (id, session_id, seq, end_seq, type, is_delta, schema_version, data) VALUES ((? << 32) + ?, ?, ?, ?, ?, ?, ?, ?)",
  selectMeta: "SELECT * FROM sessions WHERE session_id = ?",
  selectSid: "SELECT sid FROM sessions WHERE session_id = ?",
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
    WHERE session_id = ? AND last_seq = ?
    RETURNING sid`,
  /** Params: sid, after seq, sid, limit. */
  page: "SELECT seq, end_seq, schema_version, data FROM events WHERE id > (? << 32) + ? AND id < ((? + 1) << 32) ORDER BY id LIMIT ?",
  pageWithoutDeltas:
    "SELECT seq, end_seq, schema_version, data FROM events WHERE id > (? << 32) + ? AND id < ((? + 1) << 32) AND is_delta = 0 ORDER BY id LIMIT ?",
  /**
   * The row holding `seq` or the last one before it: a run row there may reach past `seq`.
   * Params: sid, seq, sid.
   */
  rowAtOrBefore:
    "SELECT seq, end_seq, schema_version, data FROM events WHERE id <= (? << 32) + ? AND id > (? << 32) ORDER BY id DESC LIMIT 1",
  insertMeta: `INSERT INTO sessions (${SESSION_COLUMNS.join(", ")}) VALUES (${SESSION_COLUMNS.map((c) => `$${c}`).join(", ")})`,
  updateMeta: `UPDATE sessions SET ${SESSION_COLUMNS.filter((c) => c !== "session_id")
    .map((c) => `${c} = $${c}`)
    .join(", ")} WHERE session_id = $session_id`,
  /** Copies the rows that end at or before the fork point; a run reaching past it is split in code. */
  /** Params: new sid, new session id (twice), source sid (twice), fork seq. */
  copyPrefix: `INSERT INTO events (id, session_id, seq, end_seq, type, is_delta, schema_version, data)
    SELECT (? << 32) + seq, ?, seq, end_seq, type, is_delta, schema_version, json_set(data, '$.sessionId', ?)
    FROM events WHERE id > (? << 32) AND id < ((? + 1) << 32) AND coalesce(end_seq, seq) <= ? ORDER BY id`,
  prefixTotals: `SELECT
      coalesce(sum(json_extract(data, '$.usage.inputTokens')), 0) AS input_tokens,
      coalesce(sum(json_extract(data, '$.usage.outputTokens')), 0) AS output_tokens,
      coalesce(sum(json_extract(data, '$.usage.cacheReadInputTokens')), 0) AS cache_read_input_tokens,
      coalesce(sum(json_extract(data, '$.usage.cacheCreationInputTokens')), 0) AS cache_creation_input_tokens,
      coalesce(sum(json_extract(data, '$.costUsd')), 0) AS cost_usd
    FROM events WHERE id > (? << 32) AND id <= (? << 32) + ? AND type = 'turn-end'`,
  /** Params: sid, sid. */
  deleteEvents: "DELETE FROM events WHERE id > (? << 32) AND id < ((? + 1) << 32)",
  deleteSession: "DELETE FROM sessions WHERE sid = ?",
} as const;
