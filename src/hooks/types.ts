import type { ToolResultBlock, UserMessage } from "../protocol/index.js";

/**
 * What happens when a hook throws or times out.
 * - `fail-open` (default): a `hook-decision` event with decision `error` records the
 *   failure, and the hook is ignored.
 * - `fail-closed`: the failure blocks — the tool call is denied, the prompt is refused,
 *   the tool result is replaced by an error result, the stop is blocked.
 */
export type HookFailureMode = "fail-open" | "fail-closed";

/** Fields every hook context carries. */
export interface HookContextBase {
  sessionId: string;
  /**
   * Aborted when the run is cancelled or the hook's timeout elapses. Pass it to anything
   * the hook starts; a hook that ignores it is abandoned at its timeout.
   */
  signal: AbortSignal;
}

/** What `beforeToolCall` receives. */
export interface BeforeToolCallContext extends HookContextBase {
  toolCallId: string;
  /** Canonical Arky tool name (`bash`, `mcp/files/read`). */
  toolName: string;
  /** The input as it stands: the model's, or as replaced by earlier hooks in the chain. */
  input: unknown;
  readOnly: boolean;
  /** The permission mode in force (`default`, `acceptEdits`, `plan`, `bypass`). */
  permissionMode: string;
}

/**
 * What `beforeToolCall` may return. Returning nothing (or `{}`) lets the call go on
 * unchanged to the permission callback when one is needed.
 */
export interface BeforeToolCallResult {
  /**
   * - `allow`: run without asking the permission callback (deny rules still apply).
   * - `block`: refuse the call; `reason` is what the model sees.
   * - `ask`: defer to the `canUseTool` callback even if rules or mode would allow.
   */
  decision?: "allow" | "block" | "ask";
  /** Why; shown to the model for `block`, recorded in the event otherwise. */
  reason?: string;
  /** Replaces the tool input; later hooks see the replacement. */
  updatedInput?: unknown;
}

/** What `afterToolCall` receives. */
export interface AfterToolCallContext extends HookContextBase {
  toolCallId: string;
  toolName: string;
  /** The input the tool ran with. */
  input: unknown;
  /** The result as it stands: the tool's, or as replaced by earlier hooks in the chain. */
  result: ToolResultBlock;
}

/** What `afterToolCall` may return. */
export interface AfterToolCallResult {
  /** Replaces the result the model sees (a string becomes one text block). */
  result?: ToolResultBlock | string;
  /** Text appended to the result as an extra text block (an annotation for the model). */
  additionalContext?: string;
}

/** What `userPromptSubmit` receives. */
export interface UserPromptSubmitContext extends HookContextBase {
  /** The prompt as it stands (possibly rewritten by earlier hooks). */
  prompt: UserMessage;
}

/** What `userPromptSubmit` may return. */
export interface UserPromptSubmitResult {
  /** `block` refuses the prompt; no model call is made. */
  decision?: "block";
  reason?: string;
  /** Replaces the prompt (a string becomes one text block). */
  prompt?: UserMessage | string;
  /** Text added to the prompt as an extra text block after the user's content. */
  additionalContext?: string;
}

/** What `sessionStart` receives. */
export interface SessionStartContext extends HookContextBase {
  source: "startup" | "resume" | "fork";
  cwd?: string;
}

/** What `sessionStart` may return. */
export interface SessionStartResult {
  /** Text the Agent adds to the first prompt of the session. */
  additionalContext?: string;
}

/** What `sessionEnd` receives. */
export interface SessionEndContext extends HookContextBase {
  reason: "closed" | "error";
}

/** What `onStop` receives. */
export interface StopContext extends HookContextBase {
  /**
   * True when the previous stop of this session was blocked by a hook: the agent is
   * already continuing because of a stop hook. Check it to avoid endless loops.
   */
  stopHookActive: boolean;
  /** The text of the final assistant message, when there is one. */
  lastAssistantText?: string;
}

/** What `onStop` may return. */
export interface StopResult {
  /** `block` keeps the agent going; `reason` becomes the next user message. */
  decision?: "block";
  reason?: string;
}

/** A value or a promise of it. */
export type Awaitable<T> = T | Promise<T>;

/** What a callback returns: a result, or nothing to mean "no opinion". */
// biome-ignore lint/suspicious/noConfusingVoidType: callbacks written as `() => {}` return void.
export type Optional<T> = T | undefined | void;

/**
 * A set of hook callbacks with their settings. Every callback is optional; a `Hooks`
 * object is one entry of a {@link HookChain}. Callbacks may return nothing to continue
 * unchanged. A callback that throws or exceeds `timeoutMs` is handled by `failureMode`.
 */
export interface Hooks {
  /** Shown in `hook-decision` events; defaults to `hook#<index in the chain>`. */
  name?: string;
  /** Per-call timeout in milliseconds (default: the chain's, 60 000). */
  timeoutMs?: number;
  /** Default `fail-open`. */
  failureMode?: HookFailureMode;
  /**
   * Which tools `beforeToolCall` / `afterToolCall` apply to: a tool name (`bash`, or
   * Claude Code's `Bash` — both match either runtime), names joined with `|`, a regular
   * expression (`mcp/files/.*`), `*` or omitted for every tool. Strings are anchored
   * regular expressions tested against the canonical and the Claude Code name.
   */
  matcher?: string | RegExp;
  beforeToolCall?(context: BeforeToolCallContext): Awaitable<Optional<BeforeToolCallResult>>;
  afterToolCall?(context: AfterToolCallContext): Awaitable<Optional<AfterToolCallResult>>;
  userPromptSubmit?(context: UserPromptSubmitContext): Awaitable<Optional<UserPromptSubmitResult>>;
  sessionStart?(context: SessionStartContext): Awaitable<Optional<SessionStartResult>>;
  sessionEnd?(context: SessionEndContext): Awaitable<void>;
  onStop?(context: StopContext): Awaitable<Optional<StopResult>>;
}

/** The hook events, as named in `hook-decision` events (`hookEvent`). */
export type HookEventName =
  | "beforeToolCall"
  | "afterToolCall"
  | "userPromptSubmit"
  | "sessionStart"
  | "sessionEnd"
  | "onStop";
