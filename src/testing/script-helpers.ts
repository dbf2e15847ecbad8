import type { StopReason, UnifiedStopReason } from "../protocol/index.js";
import type { ScriptedReply } from "./script.js";

/** Splits text into `chunks` pieces (default: pieces of about 16 characters). */
export function splitChunks(text: string, chunks?: number): string[] {
  if (text.length === 0) return [];
  const count = Math.max(1, Math.min(text.length, chunks ?? Math.ceil(text.length / 16)));
  const size = Math.ceil(text.length / count);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

const UNIFIED: Record<string, UnifiedStopReason> = {
  end_turn: "end-turn",
  tool_use: "tool-use",
  max_tokens: "max-tokens",
  stop_sequence: "stop-sequence",
  refusal: "refusal",
  pause_turn: "pause-turn",
  model_context_window_exceeded: "context-overflow",
};

/** The provider stop reason a scripted reply reports, raw and unified. */
export function stopReasonOf(step: ScriptedReply): StopReason {
  const raw = step.stopReason ?? (step.content.some((b) => b.type === "tool-use") ? "tool_use" : "end_turn");
  return { unified: UNIFIED[raw] ?? "other", raw };
}

/** The Anthropic error type a status maps to, for scripted errors that name none. */
export function defaultErrorType(status: number): string {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 529:
      return "overloaded_error";
    default:
      return "api_error";
  }
}
