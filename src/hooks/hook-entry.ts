import type { AgentEventBodyOf } from "../protocol/index.js";
import type { ToolNameMatcher } from "./matcher.js";
import { callHook } from "./run-hook.js";
import type { HookEventName, HookFailureMode, Hooks } from "./types.js";

/** A `hook-decision` event body. */
export type HookDecisionEvent = AgentEventBodyOf<"hook-decision">;

/** A hook of a chain with its settings resolved. */
export interface HookEntry {
  hooks: Hooks;
  name: string;
  timeoutMs: number;
  failureMode: HookFailureMode;
  matches: ToolNameMatcher;
}

/**
 * Calls one hook with its timeout. Values that are not objects (JavaScript callers may
 * return anything) count as "no opinion". A failure comes back as the text of its event.
 */
export async function callEntry<T>(
  entry: HookEntry,
  hookEvent: HookEventName,
  signal: AbortSignal,
  run: (signal: AbortSignal) => T | Promise<T>,
): Promise<{ ok: true; value: T | undefined } | { ok: false; reason: string }> {
  const outcome = await callHook({ hookName: entry.name, timeoutMs: entry.timeoutMs, signal }, run);
  if (outcome.ok) {
    const value = outcome.value;
    return { ok: true, value: typeof value === "object" && value !== null ? value : undefined };
  }
  const effect = entry.failureMode === "fail-closed" ? "fail-closed: blocking" : "fail-open: ignored";
  return { ok: false, reason: `${hookEvent} ${outcome.error.code}: ${outcome.error.message} (${effect})` };
}

/** Builds a `hook-decision` event. */
export function hookDecision(
  entry: HookEntry,
  hookEvent: HookEventName,
  decision: HookDecisionEvent["decision"],
  reason?: string,
  toolCallId?: string,
): HookDecisionEvent {
  const out: HookDecisionEvent = { type: "hook-decision", hook: entry.name, hookEvent, decision };
  if (reason) out.reason = reason;
  if (toolCallId) out.toolCallId = toolCallId;
  return out;
}
