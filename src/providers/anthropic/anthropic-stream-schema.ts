import { z } from "zod";

// The per-block events are validated here; content_block_delta (the hot path, thousands
// per call) is checked by hand in the accumulator to keep per-delta cost low.

const usageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});

/** `message_start`. */
export const messageStartSchema = z.looseObject({
  type: z.literal("message_start"),
  message: z.looseObject({ id: z.string(), model: z.string(), usage: usageSchema.optional() }),
});

/** `content_block_start`; the block itself is checked by {@link contentBlockSchemas}. */
export const contentBlockStartSchema = z.looseObject({
  type: z.literal("content_block_start"),
  index: z.number().int().nonnegative(),
  content_block: z.looseObject({ type: z.string() }),
});

/** The block kinds Arky models; others (server tools, …) are skipped. */
export const contentBlockSchemas = {
  text: z.looseObject({ type: z.literal("text"), text: z.string().optional() }),
  thinking: z.looseObject({
    type: z.literal("thinking"),
    thinking: z.string().optional(),
    signature: z.string().optional(),
  }),
  redacted_thinking: z.looseObject({ type: z.literal("redacted_thinking"), data: z.string() }),
  tool_use: z.looseObject({ type: z.literal("tool_use"), id: z.string(), name: z.string() }),
};

/** `message_delta`: the stop reason and cumulative usage. */
export const messageDeltaSchema = z.looseObject({
  type: z.literal("message_delta"),
  delta: z.looseObject({ stop_reason: z.string().nullish(), stop_sequence: z.string().nullish() }),
  usage: usageSchema.optional(),
});

export type AnthropicUsageWire = z.infer<typeof usageSchema>;
