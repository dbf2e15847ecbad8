import type { SessionMetadata } from "./store.js";

/**
 * The scalar columns of a `sessions` row, as the SQL stores name them (snake_case, SQL
 * nulls). Tags and runtime state are stored differently per database and passed decoded.
 */
export interface MetadataColumns {
  session_id: string;
  title: string | null;
  runtime: string | null;
  model: string | null;
  cwd: string | null;
  created_at: number;
  updated_at: number;
  parent_session_id: string | null;
  forked_at_seq: number | null;
  last_seq: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  cost_usd: number;
}

/** Builds metadata from a validated `sessions` row; SQL nulls become absent fields. */
export function metadataFromColumns(
  r: MetadataColumns,
  tags: string[],
  runtimeState: Record<string, unknown> | null | undefined,
): SessionMetadata {
  const meta: SessionMetadata = {
    sessionId: r.session_id,
    tags,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastSeq: r.last_seq,
    usage: {
      inputTokens: r.input_tokens,
      outputTokens: r.output_tokens,
      cacheReadInputTokens: r.cache_read_input_tokens,
      cacheCreationInputTokens: r.cache_creation_input_tokens,
    },
    costUsd: r.cost_usd,
  };
  if (r.title !== null) meta.title = r.title;
  if (r.runtime !== null) meta.runtime = r.runtime;
  if (r.model !== null) meta.model = r.model;
  if (r.cwd !== null) meta.cwd = r.cwd;
  if (r.parent_session_id !== null) meta.parentSessionId = r.parent_session_id;
  if (r.forked_at_seq !== null) meta.forkedAtSeq = r.forked_at_seq;
  if (runtimeState != null) meta.runtimeState = runtimeState;
  return meta;
}

/**
 * What one append adds to a `sessions` row, in the order the SQL stores bind it: the new
 * last seq, the update time, the token and cost increments, then the title, runtime, model
 * and cwd to set where the row has none. `fold` is `foldEvents` of the appended events
 * over empty metadata.
 */
export function appendColumnValues(
  fold: SessionMetadata,
  now: number,
): [number, number, number, number, number, number, number, ...Array<string | null>] {
  return [
    fold.lastSeq,
    now,
    fold.usage.inputTokens,
    fold.usage.outputTokens,
    fold.usage.cacheReadInputTokens,
    fold.usage.cacheCreationInputTokens,
    fold.costUsd,
    fold.title ?? null,
    fold.runtime ?? null,
    fold.model ?? null,
    fold.cwd ?? null,
  ];
}
