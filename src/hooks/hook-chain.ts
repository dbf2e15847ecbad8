import type { ToolResultBlock } from "../protocol/index.js";
import type { HookDecisionEvent, HookEntry } from "./hook-entry.js";
import { compileToolMatcher } from "./matcher.js";
import { DEFAULT_HOOK_TIMEOUT_MS } from "./run-hook.js";
import {
  runSessionEnd,
  runSessionStart,
  runStop,
  runUserPromptSubmit,
  type StopChainOutcome,
  type UserPromptSubmitChainOutcome,
} from "./session-hooks.js";
import { type BeforeToolCallChainOutcome, runAfterToolCall, runBeforeToolCall } from "./tool-hooks.js";
import type {
  AfterToolCallContext,
  BeforeToolCallContext,
  HookEventName,
  Hooks,
  SessionEndContext,
  SessionStartContext,
  StopContext,
  UserPromptSubmitContext,
} from "./types.js";

export type { HookDecisionEvent } from "./hook-entry.js";
export type { StopChainOutcome, UserPromptSubmitChainOutcome } from "./session-hooks.js";
export type { BeforeToolCallChainOutcome } from "./tool-hooks.js";

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
  private readonly entries: HookEntry[];
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

  /** Runs the `beforeToolCall` hooks on a call about to run. */
  beforeToolCall(context: BeforeToolCallContext): Promise<BeforeToolCallChainOutcome> {
    return runBeforeToolCall(this.entries, context);
  }

  /** Runs the `afterToolCall` hooks; returns the result the model will see. */
  afterToolCall(
    context: AfterToolCallContext,
  ): Promise<{ result: ToolResultBlock; events: HookDecisionEvent[] }> {
    return runAfterToolCall(this.entries, context);
  }

  /** Runs the `userPromptSubmit` hooks on a prompt about to start a turn. */
  userPromptSubmit(context: UserPromptSubmitContext): Promise<UserPromptSubmitChainOutcome> {
    return runUserPromptSubmit(this.entries, context);
  }

  /** Runs the `sessionStart` hooks; their contexts are joined into `additionalContext`. */
  sessionStart(
    context: SessionStartContext,
  ): Promise<{ additionalContext?: string; events: HookDecisionEvent[] }> {
    return runSessionStart(this.entries, context);
  }

  /** Runs the `sessionEnd` hooks and forgets the session's stop-block count. */
  sessionEnd(context: SessionEndContext): Promise<{ events: HookDecisionEvent[] }> {
    this.stopBlocks.delete(context.sessionId);
    return runSessionEnd(this.entries, context);
  }

  /**
   * Runs the `onStop` hooks when the agent is about to end a turn. The chain counts
   * consecutive blocks per session: `stopHookActive` is true while the previous stop was
   * blocked, and after `maxConsecutiveStopBlocks` blocks in a row a further block is
   * ignored (recorded as a `continue` event saying so) and the agent stops.
   */
  async onStop(context: Omit<StopContext, "stopHookActive">): Promise<StopChainOutcome> {
    const count = this.stopBlocks.get(context.sessionId) ?? 0;
    const outcome = await runStop(
      this.entries,
      { ...context, stopHookActive: count > 0 },
      count,
      this.maxStopBlocks,
    );
    if (outcome.decision === "continue") this.stopBlocks.set(context.sessionId, count + 1);
    else this.stopBlocks.delete(context.sessionId);
    return outcome;
  }
}
