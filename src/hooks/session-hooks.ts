import { toUserMessage, type UserMessage } from "../protocol/index.js";
import { callEntry, type HookDecisionEvent, type HookEntry, hookDecision } from "./hook-entry.js";
import type {
  SessionEndContext,
  SessionStartContext,
  StopContext,
  UserPromptSubmitContext,
} from "./types.js";

/** The merged outcome of the `userPromptSubmit` hooks. */
export type UserPromptSubmitChainOutcome =
  | { decision: "block"; reason: string; events: HookDecisionEvent[] }
  | {
      decision: "continue";
      /** The prompt after every rewrite, with the hooks' added context appended as a text block. */
      prompt: UserMessage;
      additionalContext?: string;
      events: HookDecisionEvent[];
    };

/** The merged outcome of the `onStop` hooks. */
export interface StopChainOutcome {
  /** `continue`: a hook blocked the stop; send `reason` to the model as the next user message. */
  decision: "stop" | "continue";
  reason?: string;
  events: HookDecisionEvent[];
}

/** Runs the `userPromptSubmit` hooks in order. */
export async function runUserPromptSubmit(
  entries: readonly HookEntry[],
  context: UserPromptSubmitContext,
): Promise<UserPromptSubmitChainOutcome> {
  const events: HookDecisionEvent[] = [];
  let prompt = context.prompt;
  const contexts: string[] = [];
  for (const entry of entries) {
    const fn = entry.hooks.userPromptSubmit;
    if (!fn) continue;
    const outcome = await callEntry(entry, "userPromptSubmit", context.signal, (signal) =>
      fn.call(entry.hooks, { ...context, prompt, signal }),
    );
    if (!outcome.ok) {
      events.push(hookDecision(entry, "userPromptSubmit", "error", outcome.reason));
      if (entry.failureMode === "fail-closed") return { decision: "block", reason: outcome.reason, events };
      continue;
    }
    const value = outcome.value ?? {};
    if (value.decision === "block") {
      const why = value.reason ?? `Prompt blocked by hook "${entry.name}".`;
      events.push(hookDecision(entry, "userPromptSubmit", "block", why));
      return { decision: "block", reason: why, events };
    }
    if (value.prompt !== undefined) prompt = toUserMessage(value.prompt);
    if (value.additionalContext) contexts.push(value.additionalContext);
    const modified = value.prompt !== undefined || Boolean(value.additionalContext);
    events.push(hookDecision(entry, "userPromptSubmit", modified ? "modify" : "continue", value.reason));
  }
  if (contexts.length === 0) return { decision: "continue", prompt, events };
  const additionalContext = contexts.join("\n");
  const withContext: UserMessage = {
    role: "user",
    content: [...prompt.content, { type: "text", text: additionalContext }],
  };
  return { decision: "continue", prompt: withContext, additionalContext, events };
}

/** Runs the `sessionStart` hooks; their contexts are joined into `additionalContext`. */
export async function runSessionStart(
  entries: readonly HookEntry[],
  context: SessionStartContext,
): Promise<{ additionalContext?: string; events: HookDecisionEvent[] }> {
  const events: HookDecisionEvent[] = [];
  const contexts: string[] = [];
  for (const entry of entries) {
    const fn = entry.hooks.sessionStart;
    if (!fn) continue;
    const outcome = await callEntry(entry, "sessionStart", context.signal, (signal) =>
      fn.call(entry.hooks, { ...context, signal }),
    );
    if (!outcome.ok) {
      events.push(hookDecision(entry, "sessionStart", "error", outcome.reason));
      continue;
    }
    const added = outcome.value?.additionalContext;
    if (added) contexts.push(added);
    events.push(hookDecision(entry, "sessionStart", added ? "modify" : "continue"));
  }
  return contexts.length > 0 ? { additionalContext: contexts.join("\n"), events } : { events };
}

/** Runs every `sessionEnd` hook. */
export async function runSessionEnd(
  entries: readonly HookEntry[],
  context: SessionEndContext,
): Promise<{ events: HookDecisionEvent[] }> {
  const events: HookDecisionEvent[] = [];
  for (const entry of entries) {
    const fn = entry.hooks.sessionEnd;
    if (!fn) continue;
    const outcome = await callEntry(entry, "sessionEnd", context.signal, (signal) =>
      fn.call(entry.hooks, { ...context, signal }),
    );
    events.push(
      outcome.ok
        ? hookDecision(entry, "sessionEnd", "continue")
        : hookDecision(entry, "sessionEnd", "error", outcome.reason),
    );
  }
  return { events };
}

/**
 * Runs the `onStop` hooks. `consecutiveBlocks` is how often this session's stop was
 * blocked in a row so far; at `maxBlocks` a further block is ignored (and recorded as a
 * `continue` event saying so). Returns whether the stop was blocked.
 */
export async function runStop(
  entries: readonly HookEntry[],
  context: StopContext,
  consecutiveBlocks: number,
  maxBlocks: number,
): Promise<StopChainOutcome> {
  const events: HookDecisionEvent[] = [];
  const capped = consecutiveBlocks >= maxBlocks;
  for (const entry of entries) {
    const fn = entry.hooks.onStop;
    if (!fn) continue;
    const outcome = await callEntry(entry, "onStop", context.signal, (signal) =>
      fn.call(entry.hooks, { ...context, signal }),
    );
    let reason: string | undefined;
    if (!outcome.ok) {
      events.push(hookDecision(entry, "onStop", "error", outcome.reason));
      if (entry.failureMode !== "fail-closed") continue;
      reason = outcome.reason;
    } else if (outcome.value?.decision === "block") {
      reason = outcome.value.reason ?? `Stop blocked by hook "${entry.name}".`;
    } else {
      events.push(hookDecision(entry, "onStop", "continue"));
      continue;
    }
    if (capped) {
      const note = `block ignored: the stop was already blocked ${consecutiveBlocks} times in a row (maxConsecutiveStopBlocks)`;
      events.push(hookDecision(entry, "onStop", "continue", note));
      return { decision: "stop", events };
    }
    // The one record of the follow-up: the conversation takes the reason from this event.
    events.push(hookDecision(entry, "onStop", "block", reason));
    return { decision: "continue", reason, events };
  }
  return { decision: "stop", events };
}
