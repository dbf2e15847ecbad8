import { z } from "zod";
import { ArkyError } from "./errors.js";
import { type AgentEvent, type AgentEventType, EVENT_SCHEMA_VERSION } from "./events.js";
import { compileSchemaCheck, type SchemaCheck } from "./schema-check.js";

/*
 * The zod schema of stored events: the trust boundary where a session store reads rows
 * back. Envelope and `type` are checked strictly; bodies are checked per type, with
 * loose objects so a reader does not copy or reject fields it does not use.
 * test/protocol/event-types.check.ts ties them to the types of events.ts field by field.
 */

// Arbitrary JSON (a tool's input or progress). JSON drops an `undefined` value's key, so
// the key may be missing: a stored event must read back whatever a tool gave.
const anyJson = z.unknown().optional();

const usageSchema = z.looseObject({
  inputTokens: z.number(),
  outputTokens: z.number(),
  cacheReadInputTokens: z.number(),
  cacheCreationInputTokens: z.number(),
});

const stopReasonSchema = z.looseObject({
  unified: z.enum([
    "end-turn",
    "tool-use",
    "max-tokens",
    "stop-sequence",
    "refusal",
    "pause-turn",
    "context-overflow",
    "max-turns",
    "budget-exceeded",
    "cancelled",
    "error",
    "other",
  ]),
  raw: z.string().optional(),
});

// An unknown code stays a string here: `deserializeError` maps it to `unknown`.
const serializedErrorSchema = z.looseObject({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
  httpStatus: z.number().optional(),
  retryAfterMs: z.number().optional(),
  correction: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

const textBlockSchema = z.looseObject({ type: z.literal("text"), text: z.string() });
const imageBlockSchema = z.looseObject({
  type: z.literal("image"),
  source: z.discriminatedUnion("type", [
    z.looseObject({
      type: z.literal("base64"),
      mediaType: z.enum(["image/png", "image/jpeg", "image/gif", "image/webp"]),
      data: z.string(),
    }),
    z.looseObject({ type: z.literal("url"), url: z.string() }),
  ]),
});
const toolResultBlockSchema = z.looseObject({
  type: z.literal("tool-result"),
  toolUseId: z.string(),
  content: z.array(z.discriminatedUnion("type", [textBlockSchema, imageBlockSchema])),
  isError: z.boolean().optional(),
});
const userMessageSchema = z.looseObject({
  role: z.literal("user"),
  content: z.array(z.discriminatedUnion("type", [textBlockSchema, imageBlockSchema, toolResultBlockSchema])),
});
const assistantMessageSchema = z.looseObject({
  role: z.literal("assistant"),
  content: z.array(
    z.discriminatedUnion("type", [
      textBlockSchema,
      z.looseObject({ type: z.literal("thinking"), thinking: z.string(), signature: z.string().optional() }),
      z.looseObject({ type: z.literal("redacted-thinking"), data: z.string() }),
      z.looseObject({ type: z.literal("tool-use"), id: z.string(), name: z.string(), input: anyJson }),
    ]),
  ),
});

const messageDeltaSchema = z.discriminatedUnion("kind", [
  z.looseObject({ kind: z.literal("text"), index: z.number(), text: z.string() }),
  z.looseObject({ kind: z.literal("thinking"), index: z.number(), text: z.string() }),
  z.looseObject({
    kind: z.literal("tool-input"),
    index: z.number(),
    toolCallId: z.string(),
    toolName: z.string(),
    runtimeToolName: z.string().optional(),
    partialJson: z.string(),
  }),
]);

const envelope = {
  sessionId: z.string().min(1),
  seq: z.int().positive(),
  timestamp: z.number(),
  turnId: z.string().optional(),
  parentToolCallId: z.string().optional(),
};

function event<T extends string, S extends z.core.$ZodLooseShape>(type: T, body: S) {
  return z.looseObject({ ...envelope, type: z.literal(type), ...body });
}

/** One schema per event type, keyed by `type` (the `satisfies` makes a new event type without a schema a compile error). */
export const storedEventSchemas = {
  "session-start": event("session-start", {
    runtime: z.string(),
    model: z.string().optional(),
    cwd: z.string().optional(),
    forkedFrom: z.looseObject({ sessionId: z.string(), seq: z.number() }).optional(),
  }),
  "session-end": event("session-end", { reason: z.enum(["closed", "error"]) }),
  "turn-start": event("turn-start", { input: userMessageSchema }),
  "turn-end": event("turn-end", {
    stopReason: stopReasonSchema,
    usage: usageSchema,
    costUsd: z.number().optional(),
    durationMs: z.number(),
    modelCalls: z.number(),
    error: serializedErrorSchema.optional(),
  }),
  "message-start": event("message-start", {
    messageId: z.string(),
    role: z.literal("assistant"),
    model: z.string().optional(),
  }),
  "message-delta": event("message-delta", { messageId: z.string(), delta: messageDeltaSchema }),
  "message-end": event("message-end", {
    messageId: z.string(),
    message: assistantMessageSchema,
    stopReason: stopReasonSchema,
    usage: usageSchema,
    model: z.string().optional(),
    incomplete: z.literal(true).optional(),
  }),
  "tool-execution-start": event("tool-execution-start", {
    toolCallId: z.string(),
    toolName: z.string(),
    runtimeToolName: z.string().optional(),
    input: anyJson,
  }),
  "tool-execution-update": event("tool-execution-update", {
    toolCallId: z.string(),
    toolName: z.string(),
    runtimeToolName: z.string().optional(),
    update: anyJson,
  }),
  "tool-execution-end": event("tool-execution-end", {
    toolCallId: z.string(),
    toolName: z.string(),
    runtimeToolName: z.string().optional(),
    result: toolResultBlockSchema,
    durationMs: z.number(),
    error: serializedErrorSchema.optional(),
  }),
  "permission-decision": event("permission-decision", {
    toolCallId: z.string(),
    toolName: z.string(),
    decision: z.enum(["allow", "deny"]),
    source: z.enum(["rule", "mode", "hook", "callback", "runtime", "default"]),
    reason: z.string().optional(),
    updatedInput: anyJson,
  }),
  "hook-decision": event("hook-decision", {
    hook: z.string(),
    hookEvent: z.string(),
    decision: z.enum(["continue", "block", "modify", "error"]),
    reason: z.string().optional(),
    toolCallId: z.string().optional(),
  }),
  retry: event("retry", {
    attempt: z.number(),
    maxAttempts: z.number(),
    delayMs: z.number(),
    error: serializedErrorSchema,
  }),
  usage: event("usage", { model: z.string(), usage: usageSchema, costUsd: z.number().optional() }),
  compaction: event("compaction", {
    reason: z.string(),
    messagesBefore: z.number(),
    messagesAfter: z.number(),
  }),
  error: event("error", { error: serializedErrorSchema, fatal: z.boolean() }),
} as const satisfies Record<AgentEventType, z.ZodType>;

/** Where a stored event came from, for error messages. */
export interface StoredEventLocation {
  sessionId: string;
  seq: number;
  /** The last seq when the row holds a run of events from `seq` to `endSeq`. */
  endSeq?: number;
}

/**
 * Parses and validates one stored event written with `schemaVersion`. Older versions
 * are migrated to the current one (version 1 is the first, so there is nothing to
 * migrate yet). Throws a `store` ArkyError naming the session and seq when the row is
 * not valid JSON, has an unknown `type`, fails the schema, disagrees with the row's
 * session id or seq, or was written by a newer Arky.
 */
export function parseStoredEvent(
  json: string,
  schemaVersion: number,
  where?: StoredEventLocation,
): AgentEvent {
  checkSchemaVersion(schemaVersion, where);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw corruptEvent(where, "is not valid JSON", cause);
  }
  return validateStoredEvent(value, schemaVersion, where);
}

/**
 * Validates an already-parsed stored event (a database driver may return JSON columns
 * parsed). Same errors as {@link parseStoredEvent}.
 */
export function validateStoredEvent(
  value: unknown,
  schemaVersion: number,
  where?: StoredEventLocation,
): AgentEvent {
  checkSchemaVersion(schemaVersion, where);
  const checked = checkEvent(value);
  if ("problem" in checked) throw corruptEvent(where, checked.problem, checked.cause);
  return checkLocation(checked.event, where);
}

/**
 * Checks events before a store writes them, so that everything stored reads back (a
 * `NaN` becomes `null` in JSON, for one). Throws a `store` error naming the first bad
 * event; the caller then stores nothing.
 */
export function assertStorableEvents(events: readonly AgentEvent[]): void {
  for (const event of events) {
    const checked = checkEvent(event);
    if ("problem" in checked) {
      throw new ArkyError({
        code: "store",
        message: `Event seq ${String(event?.seq)} of session ${String(event?.sessionId)} ${checked.problem}; nothing was stored.`,
        correction: "This is a bug in the code that produced the event.",
        details: { sessionId: event?.sessionId, seq: event?.seq },
        cause: checked.cause,
      });
    }
  }
}

let fastChecks: Map<string, SchemaCheck> | undefined;

/**
 * A check per event type with zod's verdict and no copy: deltas, most of a log, by hand,
 * the rest compiled from their schemas. Built at the first check, not at import.
 */
function eventChecks(): Map<string, SchemaCheck> {
  fastChecks ??= new Map(
    Object.entries(storedEventSchemas).map(([type, schema]) => [
      type,
      type === "message-delta"
        ? (v: unknown) => isValidMessageDelta(v as Record<string, unknown>)
        : compileSchemaCheck(schema),
    ]),
  );
  return fastChecks;
}

function checkEvent(value: unknown): { event: AgentEvent } | { problem: string; cause?: unknown } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { problem: "is not a JSON object" };
  }
  const type = (value as { type?: unknown }).type;
  const schema =
    typeof type === "string" && Object.hasOwn(storedEventSchemas, type)
      ? storedEventSchemas[type as keyof typeof storedEventSchemas]
      : undefined;
  if (!schema) return { problem: `has an unknown event type ${JSON.stringify(type)}` };
  // Valid events are answered without zod's copy; zod explains the others.
  if (eventChecks().get(type as string)!(value)) return { event: value as AgentEvent };
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    return { problem: `(${type}) fails the event schema${path}: ${issue?.message}`, cause: result.error };
  }
  return { event: result.data as AgentEvent };
}

function checkLocation(parsed: AgentEvent, where: StoredEventLocation | undefined): AgentEvent {
  if (where && (parsed.sessionId !== where.sessionId || parsed.seq !== where.seq)) {
    throw corruptEvent(where, `says it is session ${parsed.sessionId} seq ${parsed.seq}`);
  }
  return parsed;
}

const optionalString = (v: unknown) => v === undefined || typeof v === "string";

/**
 * `storedEventSchemas["message-delta"]` by hand, for the type most of a log is made of (a
 * test holds it to the schema); false sends the event to zod for the error.
 */
export function isValidMessageDelta(e: Record<string, unknown>): boolean {
  const d = e.delta as Record<string, unknown> | null;
  if (
    typeof e.sessionId !== "string" ||
    e.sessionId.length === 0 ||
    !Number.isSafeInteger(e.seq) ||
    (e.seq as number) <= 0 ||
    !Number.isFinite(e.timestamp) ||
    !optionalString(e.turnId) ||
    !optionalString(e.parentToolCallId) ||
    typeof e.messageId !== "string" ||
    typeof d !== "object" ||
    d === null ||
    Array.isArray(d) ||
    !Number.isFinite(d.index)
  ) {
    return false;
  }
  if (d.kind === "text" || d.kind === "thinking") return typeof d.text === "string";
  return (
    d.kind === "tool-input" &&
    typeof d.toolCallId === "string" &&
    typeof d.toolName === "string" &&
    typeof d.partialJson === "string"
  );
}

/**
 * Throws a `store` error unless `schemaVersion` is one this Arky reads (the same
 * errors as {@link parseStoredEvent}). For readers of rows that hold several events.
 */
export function checkSchemaVersion(schemaVersion: number, where: StoredEventLocation | undefined): void {
  if (schemaVersion === EVENT_SCHEMA_VERSION) return;
  if (Number.isInteger(schemaVersion) && schemaVersion > EVENT_SCHEMA_VERSION) {
    throw new ArkyError({
      code: "store",
      message: `${describe(where)} was written with event schema version ${schemaVersion}, but this Arky reads versions up to ${EVENT_SCHEMA_VERSION}.`,
      correction: "Upgrade Arky to read sessions written by a newer version.",
      details: { ...where, schemaVersion, supportedVersion: EVENT_SCHEMA_VERSION },
    });
  }
  throw corruptEvent(where, `has an invalid schema version ${schemaVersion}`);
}

/** The `store` error for a corrupt stored row: `problem` completes "Stored event seq N of session S …". */
export function corruptEvent(
  where: StoredEventLocation | undefined,
  problem: string,
  cause?: unknown,
): ArkyError {
  return new ArkyError({
    code: "store",
    message: `${describe(where)} ${problem}.`,
    correction: "The session store holds a corrupt event; restore it from a backup or delete the session.",
    details: { ...where },
    cause,
  });
}

function describe(where: StoredEventLocation | undefined): string {
  if (where?.endSeq !== undefined) {
    return `Stored events seq ${where.seq}-${where.endSeq} of session ${where.sessionId}`;
  }
  return where ? `Stored event seq ${where.seq} of session ${where.sessionId}` : "Stored event";
}
