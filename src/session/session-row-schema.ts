import { z } from "zod";

/**
 * A `sessions` row as a SQL store reads it, with its per-database column types (`pg` gives
 * bigints as text; SQLite keeps JSON as text). Outside the session barrel: it loads zod.
 */
export function sessionRowSchema<
  Int extends z.ZodType<number>,
  Tags extends z.ZodType,
  State extends z.ZodType,
>(columns: { int: Int; tags: Tags; runtimeState: State }) {
  const { int } = columns;
  return z.object({
    session_id: z.string(),
    title: z.string().nullable(),
    runtime: z.string().nullable(),
    model: z.string().nullable(),
    cwd: z.string().nullable(),
    tags: columns.tags,
    created_at: int,
    updated_at: int,
    parent_session_id: z.string().nullable(),
    forked_at_seq: z.number().nullable(),
    last_seq: z.number(),
    input_tokens: int,
    output_tokens: int,
    cache_read_input_tokens: int,
    cache_creation_input_tokens: int,
    cost_usd: z.number(),
    runtime_state: columns.runtimeState,
  });
}
