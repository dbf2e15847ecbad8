import type { AssistantMessage, ToolResultBlock, UserMessage } from "./content.js";
import type { SerializedError } from "./errors.js";
import type { StopReason } from "./stop-reason.js";
import type { Usage } from "./usage.js";

/**
 * The version of the event format written to session stores. Bump it when a change
 * would make an older reader misread new events, freeze a fixture of the old version,
 * and teach the reader to migrate it.
 */
export const EVENT_SCHEMA_VERSION = 1;

/**
 * Fields every event carries. Runtimes produce {@link AgentEventBody} values; the Agent
 * stamps the envelope, so `seq` is gap-free and increasing per session whatever the runtime.
 */
export interface EventEnvelope {
  /** The session this event belongs to. */
  sessionId: string;
  /** Position in the session's log: 1, 2, 3… with no gaps or duplicates. */
  seq: number;
  /** Milliseconds since the Unix epoch when the event was stamped. */
  timestamp: number;
  /** The turn this event belongs to; undefined for session-level events. */
  turnId: string | undefined;
  /** Set on work done by a sub-agent: the tool call that started it. */
  parentToolCallId?: string;
}

/** An incremental piece of the assistant message being streamed. */
export type MessageDelta =
  | { kind: "text"; index: number; text: string }
  | { kind: "thinking"; index: number; text: string }
  | {
      kind: "tool-input";
      index: number;
      toolCallId: string;
      toolName: string;
      /** The runtime's own name of the tool, when it differs from `toolName`. */
      runtimeToolName?: string;
      partialJson: string;
    };

/** Who made a permission decision. */
export type PermissionDecisionSource = "rule" | "mode" | "hook" | "callback" | "runtime" | "default";

/**
 * Every event, without its envelope. Naming: kebab-case `<noun>-start | -delta | -end`
 * for lifecycles, `<noun>-decision` for decisions; see `docs/events.md`.
 *
 * Per turn the order is: `turn-start`, then any number of messages
 * (`message-start`, `message-delta`…, `message-end`), tool executions
 * (`tool-execution-start`, `tool-execution-update`…, `tool-execution-end`), decisions,
 * `retry`, `usage` and `error` events, then exactly one `turn-end`, which is terminal.
 */
export type AgentEventBody =
  /** The session began (first turn) or was resumed or forked. */
  | {
      type: "session-start";
      runtime: string;
      model?: string;
      cwd?: string;
      /** Set when this session was forked from another one. */
      forkedFrom?: { sessionId: string; seq: number };
    }
  /** The session was closed. */
  | { type: "session-end"; reason: "closed" | "error" }
  /** A turn began with this user input. */
  | { type: "turn-start"; input: UserMessage }
  /** The turn is over. Exactly one per turn, always the turn's last event. */
  | {
      type: "turn-end";
      stopReason: StopReason;
      /** Usage of every model call in the turn. */
      usage: Usage;
      /** Cost of the turn in USD, or undefined when the model's price is unknown. */
      costUsd: number | undefined;
      durationMs: number;
      /** Number of model calls made in the turn. */
      modelCalls: number;
      /** Set when the turn failed; an `error` event came before. */
      error?: SerializedError;
    }
  /** An assistant message began streaming. */
  | { type: "message-start"; messageId: string; role: "assistant"; model?: string }
  /** A piece of the assistant message in flight. */
  | { type: "message-delta"; messageId: string; delta: MessageDelta }
  /**
   * The assistant message is complete; or, with `incomplete`, its stream failed or was
   * cancelled and `message` holds the text streamed until then (stop reason `error` or
   * `cancelled`). An incomplete message stays in the conversation: a later turn sends it.
   */
  | {
      type: "message-end";
      messageId: string;
      message: AssistantMessage;
      stopReason: StopReason;
      usage: Usage;
      model?: string;
      /** Set when the message was cut short (see above). */
      incomplete?: true;
    }
  /**
   * A tool call passed its permission check and hooks, its `input` is valid, and it begins
   * to run. Denied, unknown and invalid calls have no start, only their decisions and an end.
   */
  | {
      type: "tool-execution-start";
      toolCallId: string;
      /** The canonical name (`bash`, `read`, `mcp/<server>/<tool>`…), the same on every runtime. */
      toolName: string;
      /** The runtime's own name (`Bash`, `exec_command`…), only when it differs from `toolName`. */
      runtimeToolName?: string;
      input: unknown;
    }
  /** Progress reported by a running tool. */
  | {
      type: "tool-execution-update";
      toolCallId: string;
      toolName: string;
      runtimeToolName?: string;
      update: unknown;
    }
  /**
   * A tool call finished: its result as the model will see it. Emitted for every tool
   * call the model made, including refused, invalid or failed ones (then `isError`).
   */
  | {
      type: "tool-execution-end";
      toolCallId: string;
      toolName: string;
      runtimeToolName?: string;
      result: ToolResultBlock;
      durationMs: number;
      error?: SerializedError;
    }
  /** The permission layer decided on a tool call. */
  | {
      type: "permission-decision";
      toolCallId: string;
      toolName: string;
      decision: "allow" | "deny";
      source: PermissionDecisionSource;
      reason?: string;
      updatedInput?: unknown;
    }
  /** A hook decided something (or failed). */
  | {
      type: "hook-decision";
      hook: string;
      hookEvent: string;
      decision: "continue" | "block" | "modify" | "error";
      reason?: string;
      toolCallId?: string;
    }
  /** A failed model call will be tried again after `delayMs`. */
  | { type: "retry"; attempt: number; maxAttempts: number; delayMs: number; error: SerializedError }
  /** Token usage and cost of one model call (turn totals are on `turn-end`). */
  | { type: "usage"; model: string; usage: Usage; costUsd: number | undefined }
  /** The conversation was compacted to fit the context. */
  | { type: "compaction"; reason: string; messagesBefore: number; messagesAfter: number }
  /** Something failed. Fatal errors are followed by the turn's `turn-end`. */
  | { type: "error"; error: SerializedError; fatal: boolean };

/** Every event type name. */
export type AgentEventType = AgentEventBody["type"];

/** An event as delivered to subscribers and stored: body plus envelope. */
export type AgentEvent = AgentEventBody & EventEnvelope;

/** The event of one type. */
export type AgentEventOf<T extends AgentEventType> = Extract<AgentEventBody, { type: T }> & EventEnvelope;

/** An event body of one type. */
export type AgentEventBodyOf<T extends AgentEventType> = Extract<AgentEventBody, { type: T }>;

/** Whether an event is a message delta (deltas may be batched by stores and dropped by crashes). */
export function isDeltaEvent(event: { type: string }): boolean {
  return event.type === "message-delta" || event.type === "tool-execution-update";
}
