import { z } from "zod";

/**
 * Schemas of what the Claude Code CLI writes on stdout (stream-json, CLI 2.1.x). They are
 * lenient on purpose: unknown fields pass through, and a line of an unknown `type` still
 * parses (as {@link unknownLineSchema}) so newer CLIs do not break older hosts.
 */

const contentBlockSchema = z.looseObject({ type: z.string() });

const usageSchema = z
  .looseObject({
    input_tokens: z.number().nullish(),
    output_tokens: z.number().nullish(),
    cache_read_input_tokens: z.number().nullish(),
    cache_creation_input_tokens: z.number().nullish(),
  })
  .nullish();
export type CliUsage = z.infer<typeof usageSchema>;

const envelope = {
  session_id: z.string().optional(),
  parent_tool_use_id: z.string().nullish(),
  uuid: z.string().optional(),
};

export const systemLineSchema = z.looseObject({
  type: z.literal("system"),
  subtype: z.string(),
  ...envelope,
  model: z.string().optional(),
  attempt: z.number().optional(),
  max_retries: z.number().optional(),
  retry_delay_ms: z.number().optional(),
  error_status: z.number().nullish(),
  error: z.string().nullish(),
});

export const assistantLineSchema = z.looseObject({
  type: z.literal("assistant"),
  ...envelope,
  message: z.looseObject({
    id: z.string(),
    model: z.string().optional(),
    content: z.array(contentBlockSchema),
    usage: usageSchema,
  }),
  error: z.string().optional(),
});

export const userLineSchema = z.looseObject({
  type: z.literal("user"),
  ...envelope,
  message: z.looseObject({
    role: z.string().optional(),
    content: z.union([z.string(), z.array(contentBlockSchema)]),
  }),
  isReplay: z.boolean().optional(),
});

export const resultLineSchema = z.looseObject({
  type: z.literal("result"),
  subtype: z.string(),
  is_error: z.boolean(),
  ...envelope,
  result: z.string().optional(),
  num_turns: z.number().optional(),
  duration_ms: z.number().optional(),
  total_cost_usd: z.number().nullish(),
  usage: usageSchema,
  stop_reason: z.string().nullish(),
  terminal_reason: z.string().nullish(),
  api_error_status: z.number().nullish(),
  api_error_type: z.string().nullish(),
  errors: z.array(z.unknown()).optional(),
  modelUsage: z.record(z.string(), z.unknown()).optional(),
});

export const streamEventLineSchema = z.looseObject({
  type: z.literal("stream_event"),
  ...envelope,
  event: z.looseObject({ type: z.string() }),
});

export const controlRequestLineSchema = z.looseObject({
  type: z.literal("control_request"),
  request_id: z.string(),
  request: z.looseObject({ subtype: z.string() }),
});

export const controlResponseLineSchema = z.looseObject({
  type: z.literal("control_response"),
  response: z.looseObject({
    subtype: z.enum(["success", "error"]),
    request_id: z.string(),
    response: z.unknown().optional(),
    error: z.string().optional(),
    error_code: z.string().optional(),
  }),
});

export const controlCancelLineSchema = z.looseObject({
  type: z.literal("control_cancel_request"),
  request_id: z.string(),
});

/** A line of a type this host does not know; ignored. */
export const unknownLineSchema = z.looseObject({ type: z.string() });

const knownLineSchemas = [
  systemLineSchema,
  assistantLineSchema,
  userLineSchema,
  resultLineSchema,
  streamEventLineSchema,
  controlRequestLineSchema,
  controlResponseLineSchema,
  controlCancelLineSchema,
] as const;
const KNOWN_TYPES = new Set<string>(knownLineSchemas.map((schema) => schema.shape.type.value));

/** Any stdout line. Known types are validated strictly enough to be used; others pass as unknown. */
export const cliLineSchema = z.union([
  z.discriminatedUnion("type", knownLineSchemas),
  unknownLineSchema.refine(
    (line) => !KNOWN_TYPES.has(line.type),
    "A line of a known type did not match its schema.",
  ),
]);

export type CliLine = z.infer<typeof cliLineSchema>;
export type SystemLine = z.infer<typeof systemLineSchema>;
export type AssistantLine = z.infer<typeof assistantLineSchema>;
export type UserLine = z.infer<typeof userLineSchema>;
export type ResultLine = z.infer<typeof resultLineSchema>;
export type StreamEventLine = z.infer<typeof streamEventLineSchema>;
export type ControlRequestLine = z.infer<typeof controlRequestLineSchema>;

/** Payloads of control requests the CLI sends to the host. */
export const canUseToolRequestSchema = z.looseObject({
  subtype: z.literal("can_use_tool"),
  tool_name: z.string(),
  input: z.unknown(),
  tool_use_id: z.string().optional(),
  agent_id: z.string().optional(),
});

export const hookCallbackRequestSchema = z.looseObject({
  subtype: z.literal("hook_callback"),
  callback_id: z.string(),
  tool_use_id: z.string().optional(),
  input: z.looseObject({
    hook_event_name: z.string().optional(),
    tool_name: z.string().optional(),
    tool_input: z.unknown().optional(),
    tool_use_id: z.string().optional(),
    /** Set when a sub-agent makes the call. */
    agent_id: z.string().optional(),
  }),
});

export const mcpMessageRequestSchema = z.looseObject({
  subtype: z.literal("mcp_message"),
  server_name: z.string(),
  message: z.looseObject({
    jsonrpc: z.string().optional(),
    id: z.union([z.string(), z.number()]).nullish(),
    method: z.string().optional(),
    params: z.unknown().optional(),
  }),
});
