import { z } from "zod";
import { ArkyError } from "../../protocol/index.js";
import type { CommandResult } from "./run-command.js";

/** The JSON a hook command may print on stdout (Claude Code's hook output format). */
export const hookOutputSchema = z
  .object({
    continue: z.boolean().optional(),
    stopReason: z.string().optional(),
    suppressOutput: z.boolean().optional(),
    systemMessage: z.string().optional(),
    decision: z.enum(["block", "approve"]).optional(),
    reason: z.string().optional(),
    hookSpecificOutput: z
      .object({
        hookEventName: z.string().optional(),
        permissionDecision: z.enum(["allow", "deny", "ask"]).optional(),
        permissionDecisionReason: z.string().optional(),
        updatedInput: z.record(z.string(), z.unknown()).optional(),
        additionalContext: z.string().optional(),
      })
      .loose()
      .optional(),
  })
  .loose();

/** Parsed hook output. */
export type HookOutput = z.infer<typeof hookOutputSchema>;

/** What a finished hook command said. */
export type CommandVerdict =
  /** Exit 0: optional structured output, and stdout as text when it was not JSON. */
  | { kind: "ok"; output: HookOutput; text: string }
  /** Exit 2: block, with stderr as the reason. */
  | { kind: "block"; reason: string };

const TAIL = 2000;

/**
 * Interprets a hook command's exit: 0 → ok (stdout starting with `{` must be valid hook
 * JSON), 2 → block with stderr, anything else → a thrown `hook` ArkyError (the chain
 * applies the failure mode: fail-open ignores it). A timeout throws `timeout`.
 */
export function interpretCommandResult(
  result: CommandResult,
  command: string,
  timeoutMs: number,
): CommandVerdict {
  const details = { command, exitCode: result.exitCode, stderr: result.stderr.slice(-TAIL) };
  if (result.spawnError)
    throw new ArkyError({
      code: "hook",
      message: `Hook command could not start: ${result.spawnError.message}`,
      details,
    });
  if (result.timedOut)
    throw new ArkyError({
      code: "timeout",
      message: `Hook command timed out after ${timeoutMs} ms and was killed.`,
      details,
    });
  if (result.aborted)
    throw new ArkyError({ code: "cancelled", message: "Hook command was cancelled.", details });
  if (result.exitCode === 2) {
    const reason = result.stderr.trim() || "Blocked by a hook (exit code 2).";
    return { kind: "block", reason };
  }
  if (result.exitCode !== 0) {
    const stderr = result.stderr.trim().slice(-TAIL);
    throw new ArkyError({
      code: "hook",
      message: `Hook command exited with code ${result.exitCode ?? "null"}${stderr ? `: ${stderr}` : "."}`,
      details,
    });
  }
  const stdout = result.stdout.trim();
  if (!stdout.startsWith("{")) return { kind: "ok", output: {}, text: stdout };
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (cause) {
    throw new ArkyError({
      code: "protocol",
      message: `Hook command printed invalid JSON on stdout: ${stdout.slice(0, 200)}`,
      details,
      cause,
    });
  }
  const parsed = hookOutputSchema.safeParse(json);
  if (!parsed.success)
    throw new ArkyError({
      code: "protocol",
      message: `Hook command printed JSON that is not valid hook output: ${z.prettifyError(parsed.error)}`,
      details,
    });
  return { kind: "ok", output: parsed.data, text: "" };
}
