import { basename } from "node:path";
import { textOf } from "../../protocol/index.js";
import { claudeCodeToolName } from "../tool-names.js";
import type { HookFailureMode, Hooks } from "../types.js";
import { type CommandVerdict, interpretCommandResult } from "./hook-output.js";
import { runCommand } from "./run-command.js";

/** The settings-file hook events Arky runs (Claude Code's names). */
export const COMMAND_HOOK_EVENTS = [
  "PreToolUse",
  "PostToolUse",
  "UserPromptSubmit",
  "Stop",
  "SessionStart",
  "SessionEnd",
] as const;

/** One of {@link COMMAND_HOOK_EVENTS}. */
export type CommandHookEvent = (typeof COMMAND_HOOK_EVENTS)[number];

/** A command hook as a settings file declares it. */
export interface CommandHookSpec {
  event: CommandHookEvent;
  /**
   * As in Claude Code: a tool name pattern for PreToolUse and PostToolUse (`Bash|Write`,
   * `mcp__.*`), a source pattern for SessionStart (`startup|resume`); ignored otherwise.
   */
  matcher?: string;
  /** A shell string, run with `/bin/sh -c`. */
  command: string;
  /** Seconds (default 60). */
  timeoutSeconds?: number;
  /** Default `fail-open`: a crash, unknown exit code or bad output is recorded and ignored. */
  failureMode?: HookFailureMode;
  /**
   * The name in `hook-decision` events. Default `command: <program>` — only the program's
   * file name, since the rest of a command line may carry secrets.
   */
  name?: string;
}

/** Where and how command hooks run. */
export interface CommandHookOptions {
  /** Working directory of the command and `cwd` in its input (default `process.cwd()`). */
  cwd?: string;
  /** `CLAUDE_PROJECT_DIR` / `ARKY_PROJECT_DIR` for the command (default `cwd`). */
  projectDir?: string;
  /** Extra environment variables (the rest of the environment is allowlisted). */
  env?: Record<string, string>;
  /** The environment to filter (default `process.env`). */
  baseEnv?: NodeJS.ProcessEnv;
}

const GRACE_MS = 5000;

/**
 * Turns a settings-file command hook into {@link Hooks}. The command gets Claude Code's
 * hook input as JSON on stdin (`session_id`, `hook_event_name`, `cwd`, `tool_name` in
 * Claude Code's spelling, `tool_input`, …). Exit 0 continues (stdout JSON may decide),
 * exit 2 blocks with stderr as the reason, any other exit is a failure handled by the
 * failure mode.
 */
export function createCommandHook(spec: CommandHookSpec, options: CommandHookOptions = {}): Hooks {
  const { cwd = process.cwd(), projectDir = cwd, env = {}, baseEnv } = options;
  const timeoutMs = (spec.timeoutSeconds ?? 60) * 1000;
  const run = async (input: Record<string, unknown>, signal: AbortSignal): Promise<CommandVerdict> => {
    const stdin = JSON.stringify({ cwd, hook_event_name: spec.event, ...input });
    const result = await runCommand({
      command: spec.command,
      stdin,
      cwd,
      timeoutMs,
      signal,
      env: { CLAUDE_PROJECT_DIR: projectDir, ARKY_PROJECT_DIR: projectDir, ...env },
      ...(baseEnv ? { baseEnv } : {}),
    });
    return interpretCommandResult(result, spec.command, timeoutMs);
  };
  const hooks: Hooks = {
    name: spec.name ?? `command: ${programName(spec.command)}`,
    // The command enforces its own timeout (and kills its process group); this is a backstop.
    timeoutMs: timeoutMs + GRACE_MS,
    failureMode: spec.failureMode ?? "fail-open",
  };

  switch (spec.event) {
    case "PreToolUse":
      hooks.matcher = spec.matcher;
      hooks.beforeToolCall = async (c) => {
        const verdict = await run(
          {
            session_id: c.sessionId,
            permission_mode: c.permissionMode,
            tool_name: claudeCodeToolName(c.toolName),
            tool_input: c.input,
            tool_use_id: c.toolCallId,
          },
          c.signal,
        );
        if (verdict.kind === "block") return { decision: "block", reason: verdict.reason };
        const { output } = verdict;
        const specific = output.hookSpecificOutput ?? {};
        const reason = specific.permissionDecisionReason ?? output.reason;
        if (output.continue === false)
          return { decision: "block", reason: output.stopReason ?? reason ?? "A hook stopped the run." };
        const updatedInput = specific.updatedInput;
        const decision =
          specific.permissionDecision === "deny" || output.decision === "block"
            ? "block"
            : specific.permissionDecision === "allow" || output.decision === "approve"
              ? "allow"
              : specific.permissionDecision === "ask"
                ? "ask"
                : undefined;
        if (decision === "block") return { decision, reason: reason ?? "Blocked by a hook." };
        return { decision, reason, updatedInput };
      };
      break;
    case "PostToolUse":
      hooks.matcher = spec.matcher;
      hooks.afterToolCall = async (c) => {
        const verdict = await run(
          {
            session_id: c.sessionId,
            tool_name: claudeCodeToolName(c.toolName),
            tool_input: c.input,
            tool_use_id: c.toolCallId,
            tool_response: { content: c.result.content, is_error: c.result.isError ?? false },
          },
          c.signal,
        );
        if (verdict.kind === "block") return { additionalContext: verdict.reason };
        const { output } = verdict;
        const notes = [
          output.decision === "block" || output.continue === false
            ? (output.reason ?? output.stopReason)
            : undefined,
          output.hookSpecificOutput?.additionalContext,
        ].filter((n): n is string => Boolean(n));
        return notes.length > 0 ? { additionalContext: notes.join("\n") } : undefined;
      };
      break;
    case "UserPromptSubmit":
      hooks.userPromptSubmit = async (c) => {
        const verdict = await run({ session_id: c.sessionId, prompt: textOf(c.prompt) }, c.signal);
        if (verdict.kind === "block") return { decision: "block", reason: verdict.reason };
        const { output, text } = verdict;
        if (output.decision === "block" || output.continue === false)
          return {
            decision: "block",
            reason: output.reason ?? output.stopReason ?? "Prompt blocked by a hook.",
          };
        const context = output.hookSpecificOutput?.additionalContext ?? text;
        return context ? { additionalContext: context } : undefined;
      };
      break;
    case "Stop":
      hooks.onStop = async (c) => {
        const verdict = await run({ session_id: c.sessionId, stop_hook_active: c.stopHookActive }, c.signal);
        if (verdict.kind === "block") return { decision: "block", reason: verdict.reason };
        const { output } = verdict;
        if (output.decision === "block" && output.continue !== false)
          return { decision: "block", reason: output.reason ?? "A stop hook asked the agent to continue." };
        return undefined;
      };
      break;
    case "SessionStart":
      hooks.sessionStart = async (c) => {
        // As in Claude Code, a SessionStart matcher selects the source (`startup|resume`).
        if (spec.matcher && spec.matcher !== "*" && !new RegExp(`^(?:${spec.matcher})$`).test(c.source))
          return undefined;
        const verdict = await run({ session_id: c.sessionId, source: c.source }, c.signal);
        if (verdict.kind === "block") return undefined;
        const context = verdict.output.hookSpecificOutput?.additionalContext ?? verdict.text;
        return context ? { additionalContext: context } : undefined;
      };
      break;
    case "SessionEnd":
      hooks.sessionEnd = async (c) => {
        await run({ session_id: c.sessionId, reason: c.reason }, c.signal);
      };
      break;
  }
  return hooks;
}

function programName(command: string): string {
  const first = command.trim().split(/\s+/)[0] ?? "";
  return basename(first.replace(/^["']|["']$/g, "")) || "sh";
}
