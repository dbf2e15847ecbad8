/**
 * Why a model call or a turn stopped, in Arky's words. Model calls use the first group;
 * turns may also end for the runtime's own reasons.
 *
 * - `end-turn`: the model finished its answer.
 * - `tool-use`: the model asked for tools (a model call only; a turn then continues).
 * - `max-tokens`: the output limit was reached.
 * - `stop-sequence`: a stop sequence matched.
 * - `refusal`: the model declined for safety reasons.
 * - `pause-turn`: the provider paused a long turn; continuing it resumes.
 * - `context-overflow`: the conversation no longer fits the model's context window.
 * - `max-turns`: the runtime's `maxTurns` was reached.
 * - `budget-exceeded`: a token or cost budget was reached.
 * - `cancelled`: the caller's signal aborted the turn.
 * - `error`: the turn failed; an `error` event precedes the terminal one.
 * - `other`: anything a provider reports that has no unified meaning (see `raw`).
 */
export type UnifiedStopReason =
  | "end-turn"
  | "tool-use"
  | "max-tokens"
  | "stop-sequence"
  | "refusal"
  | "pause-turn"
  | "context-overflow"
  | "max-turns"
  | "budget-exceeded"
  | "cancelled"
  | "error"
  | "other";

/** A stop reason: Arky's unified value plus the provider's own string, when there was one. */
export interface StopReason {
  unified: UnifiedStopReason;
  raw: string | undefined;
}

/** Builds a stop reason for a reason the runtime itself decided (no provider string). */
export function stopReason(unified: UnifiedStopReason, raw?: string): StopReason {
  return { unified, raw };
}

const ANTHROPIC_STOP_REASONS: Readonly<Record<string, UnifiedStopReason>> = {
  end_turn: "end-turn",
  tool_use: "tool-use",
  max_tokens: "max-tokens",
  stop_sequence: "stop-sequence",
  refusal: "refusal",
  pause_turn: "pause-turn",
  model_context_window_exceeded: "context-overflow",
};

/**
 * Maps an Anthropic Messages API `stop_reason` (from the API, the Claude Code CLI or a
 * script) to Arky's; unknown or missing reasons are `other`, the raw string kept.
 */
export function fromAnthropicStopReason(raw: string | null | undefined): StopReason {
  const value = raw ?? undefined;
  return { unified: (value && ANTHROPIC_STOP_REASONS[value]) || "other", raw: value };
}
