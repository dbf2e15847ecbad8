import type { StopReason, UnifiedStopReason } from "../../protocol/index.js";

const UNIFIED: Record<string, UnifiedStopReason> = {
  end_turn: "end-turn",
  tool_use: "tool-use",
  max_tokens: "max-tokens",
  stop_sequence: "stop-sequence",
  refusal: "refusal",
  pause_turn: "pause-turn",
  model_context_window_exceeded: "context-overflow",
};

/** An Anthropic stop reason (as the CLI reports it) → Arky's. */
export function mapClaudeStopReason(raw: string | null | undefined): StopReason {
  if (!raw) return { unified: "other", raw: undefined };
  return { unified: UNIFIED[raw] ?? "other", raw };
}
