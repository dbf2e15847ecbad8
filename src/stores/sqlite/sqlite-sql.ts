import { SESSION_COLUMNS } from "./sqlite-rows.js";

/**
 * A session's last seq, from its last events row (an append does not write the sessions
 * row, see SqliteSessionStore.append); the row's `last_seq` when it has no events (new, or
 * forked at 0). For a query over `sessions s`.
 */
const LAST_SEQ = `coalesce((SELECT coalesce(e.end_seq, e.seq) FROM events e
    WHERE e.id > (s.sid << 32) AND e.id < ((s.sid + 1) << 32) ORDER BY e.id DESC LIMIT 1), s.last_seq)`;

/** The session columns as metadata is read, with the last seq derived. */
const META_COLUMNS = SESSION_COLUMNS.map((c) =>
  c === "last_seq" ? `${LAST_SEQ} AS last_seq` : `s.${c}`,
).join(", ");

/** The statements of {@link SqliteSessionStore}. Rows of `events` are laid out by `encodeEventRows`. */
export const SQL = {
  begin: "BEGIN IMMEDIATE",
  commit: "COMMIT",
  /** Params: sid, seq, session id, seq, end seq, type, is delta, schema version, data. */
  insertEvent:
    "INSERT INTO events (id, session_id, seq, end_seq, type, is_delta, schema_version, data) VALUES ((? << 32) + ?, ?, ?, ?, ?, ?, ?, ?)",
  selectMeta: `SELECT ${META_COLUMNS} FROM sessions s WHERE s.session_id = ?`,
  /** Params: tag filter (when given), limit. */
  listMeta: (byTag: boolean) =>
    `SELECT ${META_COLUMNS} FROM sessions s ${
      byTag ? "WHERE EXISTS (SELECT 1 FROM json_each(s.tags) WHERE value = ?)" : ""
    } ORDER BY s.updated_at DESC, s.sid DESC LIMIT ?`,
  /** What an append checks: the session's number, last seq and update time. */
  head: `SELECT s.sid, s.updated_at, ${LAST_SEQ} AS last_seq FROM sessions s WHERE s.session_id = ?`,
  selectSid: "SELECT sid FROM sessions WHERE session_id = ?",
  /** Adds an append's totals to the stored ones and sets the last seq and update time. */
  appendMeta: `UPDATE sessions SET
      last_seq = ?, updated_at = ?,
      input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,
      cache_read_input_tokens = cache_read_input_tokens + ?,
      cache_creation_input_tokens = cache_creation_input_tokens + ?,
      cost_usd = cost_usd + ?,
      title = coalesce(title, ?), runtime = coalesce(runtime, ?),
      model = coalesce(model, ?), cwd = coalesce(cwd, ?)
    WHERE sid = ?`,
  /** Params: sid, after seq, sid, limit. */
  page: "SELECT seq, end_seq, schema_version, data FROM events WHERE id > (? << 32) + ? AND id < ((? + 1) << 32) ORDER BY id LIMIT ?",
  /** As `page`, with `data` null on delta rows: they are still read, so a gap shows (see SeqContinuity). */
  pageWithoutDeltas:
    "SELECT seq, end_seq, schema_version, CASE WHEN is_delta = 0 THEN data END FROM events WHERE id > (? << 32) + ? AND id < ((? + 1) << 32) ORDER BY id LIMIT ?",
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
