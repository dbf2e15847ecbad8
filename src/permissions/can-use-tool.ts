import type { Awaitable, Optional } from "../hooks/types.js";
import type { PermissionMode } from "./mode.js";

/** What the `canUseTool` callback receives besides the tool name and input. */
export interface CanUseToolContext {
  toolCallId: string;
  /** The name the runtime used (`Bash`, `mcp__files__read`); `toolName` is canonical. */
  runtimeToolName: string;
  readOnly: boolean;
  mode: PermissionMode;
  /** Why the call needs a decision (the ask rule, the mode, or the hook that asked). */
  reason: string;
  /** A rule that would allow calls like this one, e.g. `Bash(git push:*)`, to offer the user. */
  suggestedRule?: string;
  sessionId?: string;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
}

/**
 * The answer of `canUseTool`:
 * - `{ behavior: "allow", updatedInput? }`: run, optionally with edited input;
 * - `{ behavior: "deny", message }`: refuse; the model sees `message`;
 * - `{ behavior: "default" }` or nothing: defer, as if no callback were configured
 *   (the call is denied with a reason that says how to allow it).
 */
export type PermissionResult =
  | { behavior: "allow"; updatedInput?: unknown }
  | { behavior: "deny"; message: string }
  | { behavior: "default" };

/**
 * Asked when a call needs permission (an ask rule, the mode, or a hook asking). The
 * tool name is canonical (`bash`, `mcp/files/read`) on every runtime. A throw denies the
 * call (recorded in the `permission-decision` event).
 */
export type CanUseTool = (
  toolName: string,
  input: unknown,
  context: CanUseToolContext,
) => Awaitable<Optional<PermissionResult>>;
