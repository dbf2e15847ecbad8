import { z } from "zod";
import { ArkyError } from "../../protocol/index.js";
import type { SessionMetadata } from "../../session/index.js";

// pg returns bigint columns as strings; numeric text is converted here.
const bigint = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform(Number);

const sessionRowSchema = z.object({
  session_id: z.string(),
  title: z.string().nullable(),
  runtime: z.string().nullable(),
  model: z.string().nullable(),
  cwd: z.string().nullable(),
  tags: z.array(z.string()),
  created_at: bigint,
  updated_at: bigint,
  parent_session_id: z.string().nullable(),
  forked_at_seq: z.number().nullable(),
  last_seq: z.number(),
  input_tokens: bigint,
  output_tokens: bigint,
  cache_read_input_tokens: bigint,
  cache_creation_input_tokens: bigint,
  cost_usd: z.number(),
  runtime_state: z.record(z.string(), z.unknown()).nullable(),
});

/** The session columns, in the order {@link metadataToParams} returns them. */
export const SESSION_COLUMNS = Object.keys(sessionRowSchema.shape);

/** Validates a `sessions` row and converts it to metadata; a bad row is a `store` error. */
export function rowToMetadata(row: unknown): SessionMetadata {
  const parsed = sessionRowSchema.safeParse(row);
  if (!parsed.success) {
    const id = (row as { session_id?: unknown } | undefined)?.session_id;
    throw new ArkyError({
      code: "store",
      message: `The metadata row of session ${String(id)} is corrupt.`,
      details: { sessionId: id },
      cause: parsed.error,
    });
  }
  const r = parsed.data;
  const meta: SessionMetadata = {
    sessionId: r.session_id,
    tags: r.tags,
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
  if (r.runtime_state !== null) meta.runtimeState = r.runtime_state;
  return meta;
}

/** Metadata as query parameters, in {@link SESSION_COLUMNS} order (JSON columns as text). */
export function metadataToParams(meta: SessionMetadata): unknown[] {
  return [
    meta.sessionId,
    meta.title ?? null,
    meta.runtime ?? null,
    meta.model ?? null,
    meta.cwd ?? null,
    JSON.stringify(meta.tags),
    meta.createdAt,
    meta.updatedAt,
    meta.parentSessionId ?? null,
    meta.forkedAtSeq ?? null,
    meta.lastSeq,
    meta.usage.inputTokens,
    meta.usage.outputTokens,
    meta.usage.cacheReadInputTokens,
    meta.usage.cacheCreationInputTokens,
    meta.costUsd,
    meta.runtimeState === undefined ? null : JSON.stringify(meta.runtimeState),
  ];
}
