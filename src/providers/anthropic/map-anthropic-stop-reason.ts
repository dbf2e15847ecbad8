import { fromAnthropicStopReason, type StopReason } from "../../protocol/index.js";

/** Maps an Anthropic `stop_reason` to Arky's; unknown or missing reasons are `other`, raw kept. */
export function mapAnthropicStopReason(raw: string | null | undefined): StopReason {
  return fromAnthropicStopReason(raw);
}
