import type { ToolResultBlock } from "../protocol/index.js";
import { callEntry, type HookDecisionEvent, type HookEntry, hookDecision } from "./hook-entry.js";
import type { AfterToolCallContext, BeforeToolCallContext } from "./types.js";

/** The merged outcome of the `beforeToolCall` hooks. */
export interface BeforeToolCallChainOutcome {
  /**
   * `block` if any hook blocked (or a fail-closed hook failed); otherwise `ask` if any
   * hook asked, `allow` if any allowed, else `continue`.
   */
  decision: "continue" | "allow" | "ask" | "block";
  reason?: string;
  /** The input after every replacement. */
  input: unknown;
  inputChanged: boolean;
  events: HookDecisionEvent[];
}

/** Runs the matching `beforeToolCall` hooks in order (see `HookChain` for the merge rules). */
export async function runBeforeToolCall(
  entries: readonly HookEntry[],
  context: BeforeToolCallContext,
): Promise<BeforeToolCallChainOutcome> {
  const events: HookDecisionEvent[] = [];
  const id = context.toolCallId;
  let input = context.input;
  let inputChanged = false;
  let decision: "continue" | "allow" | "ask" = "continue";
  let reason: string | undefined;
  for (const entry of entries) {
    const fn = entry.hooks.beforeToolCall;
    if (!fn || !entry.matches(context.toolName)) continue;
    const outcome = await callEntry(entry, "beforeToolCall", context.signal, (signal) =>
      fn.call(entry.hooks, { ...context, input, signal }),
    );
    if (!outcome.ok) {
      events.push(hookDecision(entry, "beforeToolCall", "error", outcome.reason, id));
      if (entry.failureMode === "fail-closed")
        return { decision: "block", reason: outcome.reason, input, inputChanged, events };
      continue;
    }
    const value = outcome.value ?? {};
    if (value.updatedInput !== undefined) {
      input = value.updatedInput;
      inputChanged = true;
    }
    if (value.decision === "block") {
      const why = value.reason ?? `Blocked by hook "${entry.name}".`;
      events.push(hookDecision(entry, "beforeToolCall", "block", why, id));
      return { decision: "block", reason: why, input, inputChanged, events };
    }
    if (value.decision === "ask") {
      decision = "ask";
      reason = value.reason ?? reason;
    } else if (value.decision === "allow" && decision !== "ask") {
      decision = "allow";
      reason = value.reason ?? reason;
    }
    const note = value.decision ? [value.decision, value.reason].filter(Boolean).join(": ") : value.reason;
    const kind = value.updatedInput !== undefined ? "modify" : "continue";
    events.push(hookDecision(entry, "beforeToolCall", kind, note, id));
  }
  return { decision, reason, input, inputChanged, events };
}

/** Runs the matching `afterToolCall` hooks in order; returns the result the model will see. */
export async function runAfterToolCall(
  entries: readonly HookEntry[],
  context: AfterToolCallContext,
): Promise<{ result: ToolResultBlock; events: HookDecisionEvent[] }> {
  const events: HookDecisionEvent[] = [];
  const id = context.toolCallId;
  const toolUseId = context.result.toolUseId;
  let result = context.result;
  const contexts: string[] = [];
  for (const entry of entries) {
    const fn = entry.hooks.afterToolCall;
    if (!fn || !entry.matches(context.toolName)) continue;
    const outcome = await callEntry(entry, "afterToolCall", context.signal, (signal) =>
      fn.call(entry.hooks, { ...context, result, signal }),
    );
    if (!outcome.ok) {
      events.push(hookDecision(entry, "afterToolCall", "error", outcome.reason, id));
      if (entry.failureMode === "fail-closed") {
        const text = `${outcome.reason} The tool result was withheld.`;
        return {
          result: { type: "tool-result", toolUseId, content: [{ type: "text", text }], isError: true },
          events,
        };
      }
      continue;
    }
    const value = outcome.value ?? {};
    let replaced = false;
    if (typeof value.result === "string") {
      result = { type: "tool-result", toolUseId, content: [{ type: "text", text: value.result }] };
      replaced = true;
    } else if (value.result && Array.isArray(value.result.content)) {
      result = { ...value.result, toolUseId };
      replaced = true;
    }
    const added = typeof value.additionalContext === "string" && value.additionalContext !== "";
    if (added) contexts.push(value.additionalContext as string);
    events.push(
      hookDecision(entry, "afterToolCall", replaced || added ? "modify" : "continue", undefined, id),
    );
  }
  if (contexts.length > 0)
    result = { ...result, content: [...result.content, { type: "text", text: contexts.join("\n") }] };
  return { result, events };
}
