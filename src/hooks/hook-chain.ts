import type { AgentEventBodyOf, ToolResultBlock, UserMessage } from "../protocol/index.js";
import { toUserMessage } from "../protocol/index.js";
import { compileToolMatcher, type ToolNameMatcher } from "./matcher.js";
import { callHook, DEFAULT_HOOK_TIMEOUT_MS, describeHookFailure } from "./run-hook.js";
import type {
  AfterToolCallContext,
  BeforeToolCallContext,
  HookEventName,
  HookFailureMode,
  Hooks,
  SessionEndContext,
  SessionStartContext,
  StopContext,
  UserPromptSubmitContext,
} from "./types.js";

/** A `hook-decision` event body. */
export type HookDecisionEvent = AgentEventBodyOf<"hook-decision">;

/** Options of a {@link HookChain}. */
export interface HookChainOptions {
  /** Timeout of hooks that set none (default 60 000 ms). */
  defaultTimeoutMs?: number;
  /**
   * How many times in a row `onStop` hooks may block the stop of one session before
   * further blocks are ignored (default 3). Guards against a hook that never lets go.
   */
  maxConsecutiveStopBlocks?: number;
}

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

interface Entry {
  hooks: Hooks;
  name: string;
  timeoutMs: number;
  failureMode: HookFailureMode;
  matches: ToolNameMatcher;
}

type Call<C> = Omit<C, "signal"> & { signal: AbortSignal };

/**
 * Runs several {@link Hooks} in order and merges what they return. Merge rules:
 * - **First block wins**: the first hook that blocks ends the chain; later hooks do not run.
 * - **Replacements apply in order**: each hook sees the input / result / prompt as
 *   replaced by the hooks before it.
 * - **Contexts concatenate**: `additionalContext` strings are joined with newlines, in
 *   chain order.
 * - For `beforeToolCall`, `ask` beats `allow` beats no decision.
 * - Tool hooks run only for tools their `matcher` matches.
 * - A hook that throws or times out: `fail-open` → a `hook-decision` event with decision
 *   `error`, then ignored; `fail-closed` → the same event, then it counts as a block
 *   (for `afterToolCall`, the result is replaced by an error result; `sessionStart` and
 *   `sessionEnd` have nothing to block).
 *
 * Every hook that runs yields exactly one `hook-decision` event. Methods never throw.
 */
export class HookChain {
  private readonly entries: Entry[];
  private readonly maxStopBlocks: number;
  private readonly stopBlocks = new Map<string, number>();

  /** Throws a `configuration` ArkyError for an invalid matcher. */
  constructor(hooks: readonly Hooks[] = [], options: HookChainOptions = {}) {
    const { defaultTimeoutMs = DEFAULT_HOOK_TIMEOUT_MS, maxConsecutiveStopBlocks = 3 } = options;
    this.maxStopBlocks = maxConsecutiveStopBlocks;
    this.entries = hooks.map((h, index) => {
      const name = h.name ?? `hook#${index}`;
      return {
        hooks: h,
        name,
        timeoutMs: h.timeoutMs ?? defaultTimeoutMs,
        failureMode: h.failureMode ?? "fail-open",
        matches: compileToolMatcher(h.matcher, `matcher of hook "${name}"`),
      };
    });
  }

  /** Whether any hook implements this event. */
  has(event: HookEventName): boolean {
    return this.entries.some((e) => typeof e.hooks[event] === "function");
  }

  async beforeToolCall(context: Call<BeforeToolCallContext>): Promise<BeforeToolCallChainOutcome> {
    const events: HookDecisionEvent[] = [];
    let input = context.input;
    let inputChanged = false;
    let decision: "continue" | "allow" | "ask" = "continue";
    let reason: string | undefined;
    for (const entry of this.entries) {
      const fn = entry.hooks.beforeToolCall;
      if (!fn || !entry.matches(context.toolName)) continue;
      const outcome = await this.call(entry, "beforeToolCall", context.signal, (signal) =>
        fn.call(entry.hooks, { ...context, input, signal }),
      );
      const at = { toolCallId: context.toolCallId };
      if (!outcome.ok) {
        events.push(this.failureEvent(entry, "beforeToolCall", outcome.reason, at));
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
        events.push(event(entry, "beforeToolCall", "block", why, at));
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
      events.push(
        event(entry, "beforeToolCall", value.updatedInput !== undefined ? "modify" : "continue", note, at),
      );
    }
    return { decision, reason, input, inputChanged, events };
  }

  /** Runs the `afterToolCall` hooks; returns the result the model will see. */
  async afterToolCall(
    context: Call<AfterToolCallContext>,
  ): Promise<{ result: ToolResultBlock; events: HookDecisionEvent[] }> {
    const events: HookDecisionEvent[] = [];
    const toolUseId = context.result.toolUseId;
    let result = context.result;
    const contexts: string[] = [];
    for (const entry of this.entries) {
      const fn = entry.hooks.afterToolCall;
      if (!fn || !entry.matches(context.toolName)) continue;
      const outcome = await this.call(entry, "afterToolCall", context.signal, (signal) =>
        fn.call(entry.hooks, { ...context, result, signal }),
      );
      const at = { toolCallId: context.toolCallId };
      if (!outcome.ok) {
        events.push(this.failureEvent(entry, "afterToolCall", outcome.reason, at));
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
      if (typeof value.result === "string") {
        result = { type: "tool-result", toolUseId, content: [{ type: "text", text: value.result }] };
      } else if (value.result) {
        result = { ...value.result, toolUseId };
      }
      if (value.additionalContext) contexts.push(value.additionalContext);
      const modified = value.result !== undefined || Boolean(value.additionalContext);
      events.push(event(entry, "afterToolCall", modified ? "modify" : "continue", undefined, at));
    }
    if (contexts.length > 0)
      result = { ...result, content: [...result.content, { type: "text", text: contexts.join("\n") }] };
    return { result, events };
  }

  /** Runs the `userPromptSubmit` hooks on a prompt about to start a turn. */
  async userPromptSubmit(context: Call<UserPromptSubmitContext>): Promise<UserPromptSubmitChainOutcome> {
    const events: HookDecisionEvent[] = [];
    let prompt = context.prompt;
    const contexts: string[] = [];
    for (const entry of this.entries) {
      const fn = entry.hooks.userPromptSubmit;
      if (!fn) continue;
      const outcome = await this.call(entry, "userPromptSubmit", context.signal, (signal) =>
        fn.call(entry.hooks, { ...context, prompt, signal }),
      );
      if (!outcome.ok) {
        events.push(this.failureEvent(entry, "userPromptSubmit", outcome.reason));
        if (entry.failureMode === "fail-closed") return { decision: "block", reason: outcome.reason, events };
        continue;
      }
      const value = outcome.value ?? {};
      if (value.decision === "block") {
        const why = value.reason ?? `Prompt blocked by hook "${entry.name}".`;
        events.push(event(entry, "userPromptSubmit", "block", why));
        return { decision: "block", reason: why, events };
      }
      if (value.prompt !== undefined) prompt = toUserMessage(value.prompt);
      if (value.additionalContext) contexts.push(value.additionalContext);
      const modified = value.prompt !== undefined || Boolean(value.additionalContext);
      events.push(event(entry, "userPromptSubmit", modified ? "modify" : "continue", value.reason));
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
  async sessionStart(
    context: Call<SessionStartContext>,
  ): Promise<{ additionalContext?: string; events: HookDecisionEvent[] }> {
    const events: HookDecisionEvent[] = [];
    const contexts: string[] = [];
    for (const entry of this.entries) {
      const fn = entry.hooks.sessionStart;
      if (!fn) continue;
      const outcome = await this.call(entry, "sessionStart", context.signal, (signal) =>
        fn.call(entry.hooks, { ...context, signal }),
      );
      if (!outcome.ok) {
        events.push(this.failureEvent(entry, "sessionStart", outcome.reason));
        continue;
      }
      const added = outcome.value?.additionalContext;
      if (added) contexts.push(added);
      events.push(event(entry, "sessionStart", added ? "modify" : "continue"));
    }
    return contexts.length > 0 ? { additionalContext: contexts.join("\n"), events } : { events };
  }

  /** Runs the `sessionEnd` hooks and forgets the session's stop-block count. */
  async sessionEnd(context: Call<SessionEndContext>): Promise<{ events: HookDecisionEvent[] }> {
    this.stopBlocks.delete(context.sessionId);
    const events: HookDecisionEvent[] = [];
    for (const entry of this.entries) {
      const fn = entry.hooks.sessionEnd;
      if (!fn) continue;
      const outcome = await this.call(entry, "sessionEnd", context.signal, (signal) =>
        fn.call(entry.hooks, { ...context, signal }),
      );
      events.push(
        outcome.ok
          ? event(entry, "sessionEnd", "continue")
          : this.failureEvent(entry, "sessionEnd", outcome.reason),
      );
    }
    return { events };
  }

  /**
   * Runs the `onStop` hooks when the agent is about to end a turn. The chain counts
   * consecutive blocks per session: `stopHookActive` is true while the previous stop was
   * blocked, and after `maxConsecutiveStopBlocks` blocks in a row a further block is
   * ignored (recorded as a `continue` event saying so) and the agent stops.
   */
  async onStop(context: Omit<Call<StopContext>, "stopHookActive">): Promise<StopChainOutcome> {
    const events: HookDecisionEvent[] = [];
    const count = this.stopBlocks.get(context.sessionId) ?? 0;
    const stopHookActive = count > 0;
    let blockedBy: { entry: Entry; reason: string } | undefined;
    for (const entry of this.entries) {
      const fn = entry.hooks.onStop;
      if (!fn) continue;
      const outcome = await this.call(entry, "onStop", context.signal, (signal) =>
        fn.call(entry.hooks, { ...context, stopHookActive, signal }),
      );
      if (!outcome.ok) {
        events.push(this.failureEvent(entry, "onStop", outcome.reason));
        if (entry.failureMode === "fail-closed") {
          blockedBy = { entry, reason: outcome.reason };
          break;
        }
        continue;
      }
      if (outcome.value?.decision === "block") {
        blockedBy = { entry, reason: outcome.value.reason ?? `Stop blocked by hook "${entry.name}".` };
        if (count >= this.maxStopBlocks) {
          const note = `ignored: the stop was already blocked ${count} times in a row (maxConsecutiveStopBlocks)`;
          events.push(event(entry, "onStop", "continue", note));
        } else {
          events.push(event(entry, "onStop", "block", blockedBy.reason));
        }
        break;
      }
      events.push(event(entry, "onStop", "continue"));
    }
    if (!blockedBy || count >= this.maxStopBlocks) {
      this.stopBlocks.delete(context.sessionId);
      return { decision: "stop", events };
    }
    this.stopBlocks.set(context.sessionId, count + 1);
    return { decision: "continue", reason: blockedBy.reason, events };
  }

  private async call<T>(
    entry: Entry,
    hookEvent: HookEventName,
    signal: AbortSignal,
    run: (signal: AbortSignal) => T | Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
    const outcome = await callHook({ hookName: entry.name, timeoutMs: entry.timeoutMs, signal }, run);
    if (outcome.ok) {
      const value = outcome.value;
      // JavaScript callers may return anything; only objects carry decisions.
      return { ok: true, value: (typeof value === "object" && value !== null ? value : undefined) as T };
    }
    return { ok: false, reason: `${hookEvent} ${describeHookFailure(outcome.error, entry.failureMode)}` };
  }

  private failureEvent(
    entry: Entry,
    hookEvent: HookEventName,
    reason: string,
    at: { toolCallId?: string } = {},
  ): HookDecisionEvent {
    return event(entry, hookEvent, "error", reason, at);
  }
}

function event(
  entry: Entry,
  hookEvent: HookEventName,
  decision: HookDecisionEvent["decision"],
  reason?: string,
  at: { toolCallId?: string } = {},
): HookDecisionEvent {
  const out: HookDecisionEvent = { type: "hook-decision", hook: entry.name, hookEvent, decision };
  if (reason) out.reason = reason;
  if (at.toolCallId) out.toolCallId = at.toolCallId;
  return out;
}
