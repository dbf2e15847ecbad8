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

/** Maps an Anthropic `stop_reason` to Arky's; unknown or missing reasons are `other`, raw kept. */
export function mapAnthropicStopReason(raw: string | null | undefined): StopReason {
  const value = raw ?? undefined;
  return { unified: (value && UNIFIED[value]) || "other", raw: value };
}
