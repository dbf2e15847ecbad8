import type { AgentEventBody, ToolResultBlock } from "../protocol/index.js";

/** A tool call about to run, as every runtime describes it to the guard. */
export interface GuardedToolCall {
  toolCallId: string;
  /** Arky's canonical tool name (`bash`, `mcp/files/read`, or a CLI's own tool name such as `Bash`). */
  toolName: string;
  input: unknown;
  /** Whether the tool declares itself read-only (unknown CLI tools: false). */
  readOnly: boolean;
  /** The session the call belongs to; given to hooks (optional for older callers). */
  sessionId?: string;
}

/** What the guard decided before a tool call. Events record the decision (and any hook decisions). */
export type BeforeToolCallOutcome =
  | { decision: "allow"; input: unknown; events: AgentEventBody[] }
  | { decision: "deny"; reason: string; events: AgentEventBody[] };

/** What the guard decided after a tool call. */
export interface AfterToolCallOutcome {
  result: ToolResultBlock;
  events: AgentEventBody[];
}

/**
 * The one place every runtime asks "may this tool call run, with what input?" and "what
 * result does the model see?". The Agent builds it from its permission configuration
 * and hooks; the native loop calls it directly, the Claude Code runtime from
 * `can_use_tool` / `hook_callback`, the Codex runtime from approval requests. So the
 * same configuration gives the same decisions and events on every runtime.
 *
 * Methods never throw: a failing hook or callback is resolved by its failure mode and
 * reported in `events`.
 */
export interface ToolCallGuard {
  beforeToolCall(call: GuardedToolCall, signal: AbortSignal): Promise<BeforeToolCallOutcome>;
  afterToolCall(
    call: GuardedToolCall,
    result: ToolResultBlock,
    signal: AbortSignal,
  ): Promise<AfterToolCallOutcome>;
}

/**
 * A guard that allows everything, changes nothing and records no decisions. Never a default:
 * an Agent uses it only when given `guard: allowAllGuard` (then Claude Code also runs without
 * Arky's hook). `permissions: { mode: "bypass" }` allows everything too, with decision events.
 */
export const allowAllGuard: ToolCallGuard = {
  async beforeToolCall(call) {
    return { decision: "allow", input: call.input, events: [] };
  },
  async afterToolCall(_call, result) {
    return { result, events: [] };
  },
};
