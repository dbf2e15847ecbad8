import type { HookChain, Hooks } from "../hooks/index.js";
import type { PermissionOptions, ToolCallGuard } from "../permissions/index.js";
import type {
  AgentEvent,
  Message,
  PromptInput,
  SerializedError,
  StopReason,
  Usage,
} from "../protocol/index.js";
import type { AgentRuntime } from "../provider/index.js";
import type { SessionStore } from "../session/index.js";
import type { Tool, ToolRegistry } from "../tools/index.js";

/** Options of an {@link Agent}. The same whatever the runtime. */
export interface AgentOptions {
  /** What runs the turns: `native(anthropic({...}))`, `claudeCode({...})`, `codex({...})`. */
  runtime: AgentRuntime;
  /** Tools the agent offers (to every runtime: CLI runtimes get them bridged). */
  tools?: Tool[] | ToolRegistry;
  /** Where events are kept (default: a new `InMemorySessionStore`). */
  store?: SessionStore;
  /** The session id (default: a new UUID). */
  sessionId?: string;
  /**
   * Permissions: mode, allow / deny / ask rules, and the `canUseTool` callback. The default
   * mode is `default`, as in Claude Code: read-only tools run; a tool that writes, executes
   * or fetches needs an allow rule (`allow: ["Bash(npm test)"]`), an accepting mode
   * (`mode: "acceptEdits"` for file edits inside `cwd`, `"bypass"` for everything), a hook's
   * allow or a `canUseTool` answer, and is refused otherwise. The same on every runtime.
   * See docs/hooks-and-permissions.md.
   */
  permissions?: PermissionOptions;
  /** Lifecycle hooks: tool calls, prompts, session start and end, stop. */
  hooks?: readonly Hooks[] | HookChain;
  /** A ready-made guard instead of `permissions` (advanced; hooks still run for prompts and stops). */
  guard?: ToolCallGuard;
  /** Session metadata recorded on creation. */
  title?: string;
  tags?: string[];
  /**
   * The working folder: recorded in the session, the base of relative permission rules and
   * of `acceptEdits`, and passed to the runtime, which runs the session there. Default: the
   * runtime's `cwd` option, else the tools' (`codingTools({ cwd })`), else `process.cwd()`.
   * Tools working in another folder are a `configuration` error.
   */
  cwd?: string;
  /** The clock of event timestamps, in ms since the epoch (default `Date.now`); tests pass their own. */
  now?: () => number;
}

/** Per-call options of `prompt` and `stream`. */
export interface TurnOptions {
  /** Aborts the turn: the model call, running tools and subprocesses. */
  signal?: AbortSignal;
}

/** What `agent.prompt()` resolves to. */
export interface AgentResult {
  sessionId: string;
  turnId: string;
  /** The text of the last assistant message of the turn. */
  text: string;
  /** Messages added by this turn (input, assistant messages, tool results). */
  messages: Message[];
  stopReason: StopReason;
  usage: Usage;
  /** Cost in USD, undefined when the model's price is unknown. */
  costUsd: number | undefined;
  durationMs: number;
  /** Set when the turn ended without completing (the error `prompt` throws carries the same). */
  error?: SerializedError;
}

/** A listener of every event of an agent (see `agent.subscribe`). */
export type AgentEventListener = (event: AgentEvent) => void;

/** Input of `prompt` and `stream`. */
export type AgentInput = PromptInput;

/**
 * What `agent.stream()` returns: the turn's events (an async generator, as before) and its
 * result, like the AI SDK's `streamText`.
 *
 * @example
 * const stream = agent.stream("Summarise README.md");
 * for await (const event of stream) {
 *   if (event.type === "message-delta" && event.delta.kind === "text") process.stdout.write(event.delta.text);
 * }
 * const { text, usage } = await stream.result; // rejects like prompt() when the turn failed
 */
export interface AgentStream extends AsyncGenerator<AgentEvent, void, undefined> {
  /**
   * The turn's result: resolves to what `prompt()` resolves to and rejects with the same
   * `ArkyError` it rejects with, once the turn has ended. Leaving the `for await` before the
   * `turn-end` cancels the turn and rejects it with `cancelled`.
   *
   * Reading `result` lets the turn run to its end on its own, driven in the background,
   * so `await stream.result` alone runs the whole turn; a `for await` (before, during or
   * after) still sees every event: the ones not read yet are kept until read. To keep no
   * events at all, call `prompt()`. An unread `result` never causes an unhandled rejection.
   */
  readonly result: Promise<AgentResult>;
}
