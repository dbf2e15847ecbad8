/**
 * `arky/anthropic`: the Anthropic Messages API as a {@link ModelProvider} for Arky's
 * native loop: `native(anthropic({ model: "claude-sonnet-5-5" }))`.
 */
export { AnthropicProvider, type AnthropicProviderOptions, anthropic } from "./anthropic-provider.js";
