import { fromAnthropicStopReason, type StopReason } from "../../protocol/index.js";

/** An Anthropic stop reason (as the CLI reports it) → Arky's. */
export function mapClaudeStopReason(raw: string | null | undefined): StopReason {
  return fromAnthropicStopReason(raw);
}
