import { HookChain, type HookChainOptions } from "../hooks/hook-chain.js";
import { canonicalToolName, FILE_READ_TOOLS } from "../hooks/tool-names.js";
import type { Hooks } from "../hooks/types.js";
import {
  type AgentEventBody,
  type AgentEventBodyOf,
  ArkyError,
  type PermissionDecisionSource,
  type ToolResultBlock,
  toArkyError,
} from "../protocol/index.js";
import type { CanUseTool, PermissionResult } from "./can-use-tool.js";
import type { AfterToolCallOutcome, BeforeToolCallOutcome, GuardedToolCall, ToolCallGuard } from "./guard.js";
import { decideByMode, isPermissionMode, type PermissionMode } from "./mode.js";
import { type PermissionRuleLists, PermissionRuleSet } from "./rule-set.js";
import { suggestRule } from "./suggest-rule.js";

/** Permission configuration: mode, rule lists and the callback for calls that need asking. */
export interface PermissionOptions extends PermissionRuleLists {
  /** Default `default`. */
  mode?: PermissionMode;
  canUseTool?: CanUseTool;
  /** Base of relative path rules and of `acceptEdits` (default `process.cwd()`). */
  cwd?: string;
}

/** Options of {@link createToolCallGuard}. */
export interface CreateToolCallGuardOptions {
  permissions?: PermissionOptions;
  /** Hooks, or a ready {@link HookChain} (share one with the Agent's prompt and stop hooks). */
  hooks?: readonly Hooks[] | HookChain;
  /** Options of the chain built from `hooks` when it is a list. */
  hookOptions?: HookChainOptions;
  /** Session id given to hooks when a call carries none. */
  sessionId?: string;
}

/** A {@link ToolCallGuard} built from permissions and hooks, with a mutable mode. */
export interface PermissionGuard extends ToolCallGuard {
  /** The permission mode in force. */
  readonly mode: PermissionMode;
  /**
   * Changes the mode for later calls (`setPermissionMode()` mid-session). Accepts Claude
   * Code's `bypassPermissions` for `bypass`; throws a `configuration` error on an unknown mode.
   */
  setMode(mode: PermissionMode): void;
  /** The hook chain the guard runs; the Agent uses it for prompt, session and stop hooks. */
  readonly hooks: HookChain;
}

/**
 * Builds the guard every runtime consults. The order is fixed:
 * 1. **Rules**: a matching deny rule denies; then `plan` mode denies any tool that is not
 *    read-only; then a matching ask or allow rule decides "ask" or "allow".
 * 2. **Mode** (when no rule matched): read-only tools are allowed; `bypass` allows all;
 *    `acceptEdits` allows file edits inside `cwd`; anything else is "ask".
 * 3. **Hooks** (`beforeToolCall`, unless already denied): a block denies; replaced input
 *    is checked against the rules and mode again; a hook's `allow` skips the callback, its
 *    `ask` forces it.
 * 4. **Callback** (only for "ask"): `canUseTool` allows (optionally with edited input,
 *    checked against deny rules again), denies, or defers. With no callback, or when it
 *    defers, the call is denied with a reason that says how to allow it.
 *
 * A throwing callback denies (source `callback`). Every call yields exactly one
 * `permission-decision` event (tool names canonical), after the `hook-decision` events
 * of the hooks that ran. The methods never throw. Throws a `configuration` ArkyError for
 * a malformed rule, matcher or mode.
 */
export function createToolCallGuard(options: CreateToolCallGuardOptions = {}): PermissionGuard {
  const { permissions = {}, hooks = [], hookOptions, sessionId: defaultSessionId = "" } = options;
  const cwd = permissions.cwd ?? process.cwd();
  const rules = new PermissionRuleSet(permissions, { cwd });
  const chain = hooks instanceof HookChain ? hooks : new HookChain(hooks, hookOptions);
  const canUseTool = permissions.canUseTool;
  let mode = checkMode(permissions.mode ?? "default");

  type Step = { behavior: "allow" | "ask" | "deny"; source: PermissionDecisionSource; reason: string };
  const preliminary = (toolName: string, input: unknown, readOnly: boolean): Step => {
    const rule = rules.evaluate({ toolName, input });
    const byMode: Step = { ...decideByMode(mode, { toolName, input, readOnly }, cwd), source: "mode" };
    // A deny rule comes first; then plan mode's refusal of a tool that is not read-only
    // (the only deny of the mode step) beats an ask or allow rule.
    if (!rule || (rule.behavior !== "deny" && byMode.behavior === "deny")) return byMode;
    return {
      behavior: rule.behavior,
      source: "rule",
      reason: `it matches ${rule.behavior} rule "${rule.rule}"`,
    };
  };

  async function decide(call: GuardedToolCall, signal: AbortSignal): Promise<BeforeToolCallOutcome> {
    const toolName = canonicalToolName(call.toolName);
    const readOnly = call.readOnly || FILE_READ_TOOLS.has(toolName);
    const events: AgentEventBody[] = [];
    const deny = (
      source: PermissionDecisionSource,
      reason: string,
      input: unknown = call.input,
    ): BeforeToolCallOutcome => {
      events.push(permissionEvent(call, "deny", source, reason, input));
      return { decision: "deny", reason: deniedReason(toolName, reason), events };
    };
    const allow = (
      source: PermissionDecisionSource,
      reason: string,
      input: unknown,
    ): BeforeToolCallOutcome => {
      events.push(permissionEvent(call, "allow", source, reason, input));
      return { decision: "allow", input, events };
    };
    const cancelled = () => deny("default", "the run was cancelled");

    if (signal.aborted) return cancelled();
    let step = preliminary(toolName, call.input, readOnly);
    if (step.behavior === "deny") return deny(step.source, step.reason);

    const sessionId = call.sessionId ?? defaultSessionId;
    const hooked = await chain.beforeToolCall({
      sessionId,
      toolCallId: call.toolCallId,
      toolName,
      input: call.input,
      readOnly,
      permissionMode: mode,
      signal,
    });
    events.push(...hooked.events);
    let input = hooked.input;
    if (hooked.decision === "block") return deny("hook", hooked.reason ?? "blocked by a hook", input);
    if (hooked.inputChanged) {
      step = preliminary(toolName, input, readOnly);
      if (step.behavior === "deny")
        return deny(step.source, `${step.reason} (input replaced by a hook)`, input);
    }
    if (hooked.decision === "allow")
      step = { behavior: "allow", source: "hook", reason: hooked.reason ?? "allowed by a hook" };
    if (hooked.decision === "ask")
      step = { behavior: "ask", source: "hook", reason: hooked.reason ?? "a hook asked" };
    if (signal.aborted) return cancelled();
    if (step.behavior === "allow") return allow(step.source, step.reason, input);

    const howTo = (why: string) => {
      const suggestion = suggestRule(toolName, input, cwd);
      return `${why} (${step.reason}); to allow it, set permissions: { allow: ["${suggestion}"] }, a mode that allows it (permissions: { mode: "acceptEdits" } for file edits in the working folder, "bypass" for every tool), or a permissions.canUseTool callback`;
    };
    if (!canUseTool)
      return deny("default", howTo("it needs permission and no canUseTool callback is configured"), input);

    let answer: PermissionResult | undefined;
    try {
      answer = (await untilAborted(
        Promise.resolve(
          canUseTool(toolName, input, {
            toolCallId: call.toolCallId,
            runtimeToolName: call.toolName,
            readOnly,
            mode,
            reason: step.reason,
            suggestedRule: suggestRule(toolName, input, cwd),
            sessionId: call.sessionId ?? (defaultSessionId || undefined),
            signal,
          }),
        ),
        signal,
      )) as PermissionResult | undefined;
    } catch (error) {
      if (signal.aborted) return cancelled();
      return deny("callback", `the canUseTool callback failed: ${toArkyError(error).message}`, input);
    }
    if (!answer || answer.behavior === "default") return deny("default", howTo("canUseTool deferred"), input);
    if (answer.behavior === "deny")
      return deny(
        "callback",
        typeof answer.message === "string" && answer.message ? answer.message : "denied by canUseTool",
        input,
      );
    if (answer.behavior !== "allow") return deny("callback", "canUseTool returned an unknown answer", input);
    if (answer.updatedInput !== undefined) {
      input = answer.updatedInput;
      const recheck = rules.evaluate({ toolName, input });
      if (recheck?.behavior === "deny")
        return deny("rule", `the edited input matches deny rule "${recheck.rule}"`, input);
    }
    return allow("callback", "allowed by canUseTool", input);
  }

  return {
    get mode() {
      return mode;
    },
    setMode(next) {
      mode = checkMode(next);
    },
    hooks: chain,
    async beforeToolCall(call, signal) {
      try {
        return await decide(call, signal);
      } catch (error) {
        // Only a bug can land here; failing closed keeps a broken guard from running tools.
        const reason = `the permission check failed: ${toArkyError(error).message}`;
        const event = permissionEvent(call, "deny", "default", reason, call.input);
        return { decision: "deny", reason: deniedReason(call.toolName, reason), events: [event] };
      }
    },
    async afterToolCall(call, result: ToolResultBlock, signal): Promise<AfterToolCallOutcome> {
      try {
        return await chain.afterToolCall({
          sessionId: call.sessionId ?? defaultSessionId,
          toolCallId: call.toolCallId,
          toolName: canonicalToolName(call.toolName),
          input: call.input,
          result,
          signal,
        });
      } catch {
        // Only a hook returning a malformed result can land here; the tool's own result stands.
        return { result, events: [] };
      }
    },
  };
}

/** The `permission-decision` event of a call (`updatedInput` only when the input changed). */
function permissionEvent(
  call: GuardedToolCall,
  decision: "allow" | "deny",
  source: PermissionDecisionSource,
  reason: string,
  input: unknown,
): AgentEventBodyOf<"permission-decision"> {
  const toolName = canonicalToolName(call.toolName);
  const event: AgentEventBodyOf<"permission-decision"> = {
    type: "permission-decision",
    toolCallId: call.toolCallId,
    toolName,
    decision,
    source,
    reason,
  };
  if (input !== call.input) event.updatedInput = input;
  return event;
}

function checkMode(mode: unknown): PermissionMode {
  // Claude Code's spelling is accepted so a mode string can be passed through unchanged.
  if (mode === "bypassPermissions") return "bypass";
  if (isPermissionMode(mode)) return mode;
  throw new ArkyError({
    code: "configuration",
    message: `Unknown permission mode ${JSON.stringify(mode)}.`,
    correction: 'Use "default", "acceptEdits", "plan" or "bypass".',
  });
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason ?? new DOMException("Aborted", "AbortError"));
    signal.addEventListener("abort", onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener("abort", onAbort));
}

/** The reason the model sees for a refused call; one final period whatever the reason ends with. */
export function deniedReason(toolName: string, reason: string): string {
  return `Permission to use ${toolName} was denied: ${reason.replace(/[.\s]+$/, "")}.`;
}
