import {
  type AgentEventBody,
  ArkyError,
  type CorrectionHints,
  cancelledError,
  classifyHttpError,
  fromAnthropicStopReason,
  type Usage,
} from "../../protocol/index.js";
import { failedTurnEnd, transportErrorCode } from "../../provider/index.js";
import { CLAUDE_CODE_HINTS } from "./claude-code-errors.js";
import type { ResultLine } from "./claude-code-messages.js";
import { toUsage } from "./map-claude-code-events.js";

/** What the turn driver knows besides the result line. */
export interface ResultContext {
  /** The host asked for an interrupt (cancel). */
  interrupted: boolean;
  /** Cost the process had reported before this turn (the CLI's cost is cumulative per process). */
  previousCostUsd: number;
  modelCalls: number;
  durationMs: number;
  /** The sum of the turn's `usage` events, for a result that reports none (an interrupted turn's). */
  reportedUsage?: Usage;
  /** What the runtime offers to fix a failed model call (default: Claude Code's own). */
  hints?: CorrectionHints;
  stderrTail: string;
}

/**
 * Maps the turn's `result` line to the terminal events: an `error` event first when the
 * result is an error (classified with `classifyHttpError` for API failures, so the codes
 * match the native runtime), then `turn-end` with usage, cost and stop reason.
 */
export function mapClaudeCodeResult(line: ResultLine, context: ResultContext): AgentEventBody[] {
  const fromLine = toUsage(line.usage);
  const usage = Object.values(fromLine).some((n) => n > 0) ? fromLine : (context.reportedUsage ?? fromLine);
  const total = line.total_cost_usd ?? undefined;
  const costUsd = total === undefined ? undefined : Math.max(0, total - context.previousCostUsd);
  const base = {
    type: "turn-end" as const,
    usage,
    costUsd,
    durationMs: context.durationMs,
    modelCalls: context.modelCalls || (line.num_turns ?? 0),
  };
  if (!line.is_error) return [{ ...base, stopReason: fromAnthropicStopReason(line.stop_reason) }];
  // As on the native loop, reaching `maxTurns` is a stop reason, not a failure.
  if (line.subtype === "error_max_turns" || line.terminal_reason === "max_turns")
    return [{ ...base, stopReason: { unified: "max-turns", raw: line.terminal_reason ?? line.subtype } }];
  const error =
    context.interrupted && line.api_error_status == null
      ? cancelledError()
      : classifyResultError(line, context.stderrTail, context.hints);
  return failedTurnEnd(error, { ...base, raw: line.terminal_reason ?? line.subtype });
}

function classifyResultError(line: ResultLine, stderrTail: string, hints = CLAUDE_CODE_HINTS): ArkyError {
  const raw = line.terminal_reason ?? line.subtype;
  const details = {
    subtype: line.subtype,
    terminalReason: line.terminal_reason ?? undefined,
    errors: line.errors,
    stderrTail: stderrTail.slice(-4096),
  };
  if (line.subtype === "error_max_budget_usd" || line.terminal_reason === "max_budget")
    return new ArkyError({
      code: "budget-exceeded",
      message: "Claude Code reached its spending cap (`maxBudgetUsd`).",
      correction: "Raise `maxBudgetUsd` or start a new session.",
      details,
    });
  const gone = line.errors?.find((e) => /no conversation found/i.test(String(e)));
  if (gone)
    return new ArkyError({
      code: "session-not-found",
      message: `Claude Code cannot resume the session: ${gone}`,
      correction: "The Claude Code session does not exist in this config dir; start a new session.",
      details,
    });
  if (line.api_error_status != null || line.api_error_type || line.terminal_reason === "api_error") {
    const classified = classifyHttpError({
      status: line.api_error_status ?? undefined,
      body: { type: "error", error: { type: line.api_error_type ?? undefined, message: line.result } },
      provider: "claude-code",
      hints,
    });
    const byMessage = classified.code === "unknown" ? transportErrorCode(line.result ?? "") : undefined;
    return new ArkyError({
      code: byMessage ?? classified.code,
      message: classified.message,
      httpStatus: classified.httpStatus,
      correction: classified.correction,
      details: { ...classified.details, ...details },
    });
  }
  return new ArkyError({
    code: "unknown",
    message: `Claude Code ended the turn with an error (${raw}).${line.result ? ` ${line.result}` : ""}`,
    details,
  });
}
