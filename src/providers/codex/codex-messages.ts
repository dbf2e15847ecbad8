import { z } from "zod";

/**
 * Zod schemas of the `codex app-server` JSON-RPC messages Arky reads (codex-cli 0.169.0,
 * see `protocols/codex.md`). Everything is parsed leniently: unknown fields pass through
 * and only the fields Arky uses are checked, because the server sends more than its
 * generated types list.
 */

const requestId = z.union([z.number(), z.string()]);

/** Any line the app server writes: a response, a notification, or a server request. */
export const codexIncomingSchema = z
  .object({
    id: requestId.optional(),
    method: z.string().optional(),
    params: z.unknown().optional(),
    result: z.unknown().optional(),
    error: z
      .object({ code: z.number(), message: z.string(), data: z.unknown().optional() })
      .loose()
      .optional(),
  })
  .loose()
  .refine((m) => m.method !== undefined || m.id !== undefined, "neither `method` nor `id`");
export type CodexIncoming = z.infer<typeof codexIncomingSchema>;

/** A JSON-RPC error object as the server sends it. */
export type CodexRpcErrorBody = NonNullable<CodexIncoming["error"]>;

/** `TurnError` of `error` notifications and failed turns. */
export const codexTurnErrorSchema = z
  .object({
    message: z.string(),
    codexErrorInfo: z.unknown().nullish(),
    additionalDetails: z.string().nullish(),
  })
  .loose();
export type CodexTurnError = z.infer<typeof codexTurnErrorSchema>;

/** A thread item (only the fields Arky maps; `type` selects the rest). */
export const codexItemSchema = z
  .object({
    type: z.string(),
    id: z.string(),
    text: z.string().optional(),
    summary: z.array(z.string()).optional(),
    content: z.unknown().optional(),
    command: z.string().optional(),
    cwd: z.string().nullish(),
    status: z.string().optional(),
    commandActions: z.array(z.object({ command: z.string().optional() }).loose()).nullish(),
    aggregatedOutput: z.string().nullish(),
    exitCode: z.number().nullish(),
    changes: z.array(z.object({ path: z.string() }).loose()).optional(),
    server: z.string().optional(),
    tool: z.string().optional(),
    arguments: z.unknown().optional(),
    result: z
      .object({ content: z.array(z.unknown()).optional() })
      .loose()
      .nullish(),
    error: z.object({ message: z.string() }).loose().nullish(),
    durationMs: z.number().nullish(),
  })
  .loose();
export type CodexItem = z.infer<typeof codexItemSchema>;

const threadTurn = { threadId: z.string(), turnId: z.string() };

/** `item/started`, `item/completed`. */
export const itemNotificationSchema = z.object({ ...threadTurn, item: codexItemSchema }).loose();

/** `item/agentMessage/delta`, `item/reasoning/summaryTextDelta`, `item/commandExecution/outputDelta`, … */
export const deltaNotificationSchema = z
  .object({ ...threadTurn, itemId: z.string(), delta: z.string() })
  .loose();

/** `item/mcpToolCall/progress`. */
export const progressNotificationSchema = z
  .object({ ...threadTurn, itemId: z.string(), message: z.string() })
  .loose();

const tokenBreakdown = z
  .object({
    inputTokens: z.number(),
    cachedInputTokens: z.number().optional(),
    cacheWriteInputTokens: z.number().optional(),
    outputTokens: z.number(),
    reasoningOutputTokens: z.number().optional(),
  })
  .loose();
export type CodexTokenBreakdown = z.infer<typeof tokenBreakdown>;

/** `thread/tokenUsage/updated`: `last` is the model response that just finished. */
export const tokenUsageNotificationSchema = z
  .object({ ...threadTurn, tokenUsage: z.object({ last: tokenBreakdown, total: tokenBreakdown }).loose() })
  .loose();

/** `error`: retry progress (`willRetry`) or the final failure of a turn. */
export const errorNotificationSchema = z
  .object({ ...threadTurn, willRetry: z.boolean(), error: codexTurnErrorSchema })
  .loose();

/** `turn/started`, `turn/completed`. */
export const turnNotificationSchema = z
  .object({
    threadId: z.string(),
    turn: z.object({ id: z.string(), status: z.string(), error: codexTurnErrorSchema.nullish() }).loose(),
  })
  .loose();
export type CodexTurnNotification = z.infer<typeof turnNotificationSchema>;

/** `item/commandExecution/requestApproval` and `item/fileChange/requestApproval` params. */
export const approvalRequestSchema = z
  .object({
    ...threadTurn,
    itemId: z.string(),
    reason: z.string().nullish(),
    command: z.string().nullish(),
    cwd: z.string().nullish(),
    commandActions: z.array(z.object({ command: z.string().optional() }).loose()).nullish(),
    grantRoot: z.string().nullish(),
  })
  .loose();

/** Results of the client requests Arky sends. */
export const threadResultSchema = z
  .object({
    thread: z.object({ id: z.string(), path: z.string().nullish() }).loose(),
    model: z.string().optional(),
  })
  .loose();
export const turnStartResultSchema = z.object({ turn: z.object({ id: z.string() }).loose() }).loose();
export const initializeResultSchema = z
  .object({ userAgent: z.string(), codexHome: z.string().optional() })
  .loose();
