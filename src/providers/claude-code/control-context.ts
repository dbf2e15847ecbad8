import type { ToolCallGuard } from "../../permissions/index.js";
import type { ToolRegistry } from "../../tools/index.js";
import type { ClaudeEventBody, ToolCallTracker } from "./tool-call-tracker.js";

/** The guard's answer for one tool call, kept so the CLI's hook and prompt get the same one. */
export type ToolDecision = { decision: "allow"; input: unknown } | { decision: "deny"; reason: string };

/**
 * The narrow slice of a running turn that control-request handlers need: the guard and
 * tools, the turn's signal, a way to emit events in order, and one decision per call.
 */
export interface ControlContext {
  readonly guard: ToolCallGuard;
  readonly tools: ToolRegistry;
  readonly signal: AbortSignal;
  readonly tracker: ToolCallTracker;
  /** Appends events to the turn after everything emitted before (undefined entries are skipped). */
  emit(events: ReadonlyArray<ClaudeEventBody | undefined>): Promise<void>;
  /** Asks the guard once per tool call; later asks for the same call get the same decision. */
  decide(
    toolCallId: string,
    cliName: string,
    input: unknown,
    parentToolCallId?: string,
  ): Promise<ToolDecision>;
}
