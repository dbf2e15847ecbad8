import type { ProcessExit } from "../../process/index.js";
import { ArkyError, type CorrectionHints, classifyHttpError } from "../../protocol/index.js";
import type { BackendPreset } from "./backend-presets.js";
import type { SystemLine } from "./claude-code-messages.js";

/** What Claude Code offers to fix a failed model call (its corrections name these). */
export const CLAUDE_CODE_HINTS: CorrectionHints = {
  credentials:
    "ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) in claudeCode({ env }) or the host environment, or the CLI's own login (`claude /login`)",
  fallbackOption: "fallbackModel",
};

/** The hints of a runtime with these options: a backend has its own credentials. */
export function claudeCodeHints(backend: BackendPreset | undefined): CorrectionHints {
  if (!backend) return CLAUDE_CODE_HINTS;
  return {
    ...CLAUDE_CODE_HINTS,
    credentials: `the ${backend.name} backend's credentials (the options of claudeCodeBackends.${backend.name}(), or its variables in the environment)`,
  };
}

// The CLI's refusal of bypass mode as root (protocols/claude-code.md §6), only on stderr.
const ROOT_BYPASS = /cannot be used with root\/sudo privileges/i;

/**
 * The exit of a CLI process, with its `process-exited` error replaced by a `configuration`
 * error when stderr says why the CLI refused to start (bypass mode as root).
 */
export function explainClaudeExit(exit: ProcessExit): ProcessExit {
  if (!exit.error || !ROOT_BYPASS.test(exit.stderrTail)) return exit;
  const error = new ArkyError({
    code: "configuration",
    message:
      "Claude Code refuses bypass mode (--dangerously-skip-permissions) when it runs as root without IS_SANDBOX=1.",
    correction:
      "Inside a sandbox or container, set IS_SANDBOX=1 (claudeCode({ env: { IS_SANDBOX: '1' } })); otherwise run as a normal user, or use another permission mode than bypass.",
    details: { ...exit.error.details },
    cause: exit.error,
  });
  return { ...exit, error };
}

// The CLI's names for what it retries, as the API's error types.
const RETRY_ERROR_TYPES = new Map([
  ["authentication_failed", "authentication_error"],
  ["overloaded", "overloaded_error"],
  ["server_error", "api_error"],
  ["rate_limit", "rate_limit_error"],
]);

/**
 * The error of a `system/api_retry` line. Without a status the request got no answer, so
 * the connection failed (the CLI says `unknown`): `connection`, as on the other runtimes.
 */
export function claudeRetryError(line: SystemLine): ArkyError {
  const type = RETRY_ERROR_TYPES.get(line.error ?? "");
  if (line.error_status == null && type === undefined)
    return new ArkyError({
      code: "connection",
      message: "Claude Code could not reach the model API.",
      details: { provider: "claude-code", cliError: line.error },
    });
  return classifyHttpError({
    status: line.error_status ?? undefined,
    body: { error: { type } },
    provider: "claude-code",
    hints: CLAUDE_CODE_HINTS,
  });
}
