import { fromAnthropicStopReason, type StopReason } from "../protocol/index.js";
import type { ScriptedHttpError, ScriptedReply } from "./script.js";

/** The provider stop reason a scripted reply reports, raw and unified. */
export function stopReasonOf(step: ScriptedReply): StopReason {
  const raw = step.stopReason ?? (step.content.some((b) => b.type === "tool-use") ? "tool_use" : "end_turn");
  return fromAnthropicStopReason(raw);
}

/** The `retry-after` header of a scripted HTTP error (none unless `retryAfterSeconds` is set). */
export function retryAfterHeaders(step: ScriptedHttpError): Record<string, string> {
  return step.retryAfterSeconds === undefined ? {} : { "retry-after": String(step.retryAfterSeconds) };
}
