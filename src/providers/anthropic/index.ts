/**
 * `arky/anthropic`: the Anthropic Messages API as a {@link ModelProvider} for Arky's
 * native loop: `native(anthropic({ model: "claude-sonnet-5-5" }))`.
 */
export { toAnthropicError } from "./anthropic-error.js";
export { AnthropicProvider, type AnthropicProviderOptions, anthropic } from "./anthropic-provider.js";
export { convertToAnthropicMessages } from "./convert-to-anthropic-messages.js";
export { mapAnthropicStopReason } from "./map-anthropic-stop-reason.js";
