import { SESSION_COLUMNS } from "./postgres-rows.js";

const JSON_COLUMNS = new Set(["tags", "runtime_state"]);
const param = (column: string, i: number) => `$${i + 1}${JSON_COLUMNS.has(column) ? "::jsonb" : ""}`;

/** The SQL of a store, for one quoted schema name. */
export function postgresSql(s: string) {
  return {
    insertSession: `INSERT INTO ${s}.sessions (${SESSION_COLUMNS.join(", ")}) VALUES (${SESSION_COLUMNS.map(param).join(", ")})`,
    updateSession: `UPDATE ${s}.sessions SET ${SESSION_COLUMNS.map((c, i) => `${c} = ${param(c, i)}`)
      .slice(1)
      .join(", ")} WHERE session_id = $1`,
    selectSession: `SELECT * FROM ${s}.sessions WHERE session_id = $1`,
    lockSession: `SELECT * FROM ${s}.sessions WHERE session_id = $1 FOR UPDATE`,
    /**
     * One atomic statement per append: the UPDATE only matches when the stored last seq
     * is the one the events continue (a concurrent writer makes it match nothing), the
     * events are inserted only if it matched, and the NOTIFY goes out on commit.
     */
    append: `WITH updated AS (
        UPDATE ${s}.sessions SET
          last_seq = $3, updated_at = $4,
          input_tokens = input_tokens + $5, output_tokens = output_tokens + $6,
          cache_read_input_tokens = cache_read_input_tokens + $7,
          cache_creation_input_tokens = cache_creation_input_tokens + $8,
          cost_usd = cost_usd + $9,
          title = coalesce(title, $10), runtime = coalesce(runtime, $11),
          model = coalesce(model, $12), cwd = coalesce(cwd, $13)
        WHERE session_id = $1 AND last_seq = $2
        RETURNING session_id
      ), inserted AS (
        INSERT INTO ${s}.events (session_id, seq, end_seq, type, is_delta, schema_version, data)
        SELECT $1, e.seq, e.end_seq, e.type, e.is_delta, $14, e.data
        FROM unnest($15::integer[], $16::integer[], $17::text[], $18::boolean[], $19::text[])
          AS e (seq, end_seq, type, is_delta, data)
        WHERE EXISTS (SELECT 1 FROM updated)
      )
      SELECT pg_notify($20, $21) FROM updated`,
    page: `SELECT seq, end_seq, schema_version, data FROM ${s}.events
      WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    /** As `page`, with `data` null on delta rows: they are still read, so a gap shows (see SeqContinuity). */
    pageWithoutDeltas: `SELECT seq, end_seq, schema_version, CASE WHEN is_delta THEN NULL ELSE data END AS data
      FROM ${s}.events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    /** The row holding `seq` or the last one before it: a run row there may reach past `seq`. */
    rowAtOrBefore: `SELECT seq, end_seq, schema_version, data FROM ${s}.events
      WHERE session_id = $1 AND seq <= $2 ORDER BY seq DESC LIMIT 1`,
    insertEvents: `INSERT INTO ${s}.events (session_id, seq, end_seq, type, is_delta, schema_version, data)
      SELECT $1, e.seq, e.end_seq, e.type, e.is_delta, $2, e.data
      FROM unnest($3::integer[], $4::integer[], $5::text[], $6::boolean[], $7::text[])
        AS e (seq, end_seq, type, is_delta, data)`,
    list: `SELECT * FROM ${s}.sessions WHERE ($1::text IS NULL OR tags ? $1)
      ORDER BY updated_at DESC, created_at DESC, session_id LIMIT $2`,
    deleteSession: `DELETE FROM ${s}.sessions WHERE session_id = $1`,
    /** Copies the rows that end at or before the fork point; a run reaching past it is split in code. */
    copyPrefix: `INSERT INTO ${s}.events (session_id, seq, end_seq, type, is_delta, schema_version, data)
      SELECT $1, seq, end_seq, type, is_delta, schema_version,
        jsonb_set(data::jsonb, '{sessionId}', to_jsonb($1::text))::text
      FROM ${s}.events WHERE session_id = $2 AND coalesce(end_seq, seq) <= $3`,
    prefixTotals: `SELECT
        coalesce(sum((data::jsonb->'usage'->>'inputTokens')::float8), 0) AS input_tokens,
        coalesce(sum((data::jsonb->'usage'->>'outputTokens')::float8), 0) AS output_tokens,
        coalesce(sum((data::jsonb->'usage'->>'cacheReadInputTokens')::float8), 0) AS cache_read_input_tokens,
        coalesce(sum((data::jsonb->'usage'->>'cacheCreationInputTokens')::float8), 0) AS cache_creation_input_tokens,
        coalesce(sum((data::jsonb->>'costUsd')::float8), 0) AS cost_usd
      FROM ${s}.events WHERE session_id = $1 AND seq <= $2 AND type = 'turn-end'`,
  } as const;
}
