import { ArkyError } from "../protocol/index.js";
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

/** A `sessions` row as the SQL stores write it, in table order: tags and runtime state as JSON text. */
export type SessionColumns = { [K in keyof MetadataColumns]: MetadataColumns[K] } & {
  tags: string;
  runtime_state: string | null;
};

/** Metadata as the columns of a `sessions` row (absent fields become SQL nulls). */
export function metadataToColumns(meta: SessionMetadata): SessionColumns {
  return {
    session_id: meta.sessionId,
    title: meta.title ?? null,
    runtime: meta.runtime ?? null,
    model: meta.model ?? null,
    cwd: meta.cwd ?? null,
    tags: JSON.stringify(meta.tags),
    created_at: meta.createdAt,
    updated_at: meta.updatedAt,
    parent_session_id: meta.parentSessionId ?? null,
    forked_at_seq: meta.forkedAtSeq ?? null,
    last_seq: meta.lastSeq,
    input_tokens: meta.usage.inputTokens,
    output_tokens: meta.usage.outputTokens,
    cache_read_input_tokens: meta.usage.cacheReadInputTokens,
    cache_creation_input_tokens: meta.usage.cacheCreationInputTokens,
    cost_usd: meta.costUsd,
    runtime_state: meta.runtimeState === undefined ? null : JSON.stringify(meta.runtimeState),
  };
}

/** The `store` error for a `sessions` row that fails validation. */
export function corruptSessionRow(row: unknown, cause: unknown): ArkyError {
  const id = (row as { session_id?: unknown } | undefined)?.session_id;
  return new ArkyError({
    code: "store",
    message: `The metadata row of session ${String(id)} is corrupt.`,
    details: { sessionId: id },
    cause,
  });
}

/** The usage and cost summed over a fork's copied `turn-end` events, from the SQL stores' totals row. */
export function totalsFromColumns(t: Record<string, number>) {
  return {
    usage: {
      inputTokens: t.input_tokens!,
      outputTokens: t.output_tokens!,
      cacheReadInputTokens: t.cache_read_input_tokens!,
      cacheCreationInputTokens: t.cache_creation_input_tokens!,
    },
    costUsd: t.cost_usd!,
  };
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
