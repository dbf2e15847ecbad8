/**
 * `arky/claude-code`: the Claude Code CLI as an Arky runtime.
 *
 * @example
 * import { Agent } from "arky";
 * import { claudeCode } from "arky/claude-code";
 * const agent = new Agent({ runtime: claudeCode({ model: "claude-sonnet-5-5", configDir: "/var/lib/app/claude" }) });
 */
export { type BackendPreset, claudeCodeBackends, type GatewayOptions } from "./backend-presets.js";
export {
  type ClaudeCodeAgentDefinition,
  type ClaudeCodeMcpServer,
  type ClaudeCodeOptions,
  type ClaudeCodePermissionMode,
  DEFAULT_CLAUDE_INHERITED_ENV,
} from "./claude-code-options.js";
export type { PrewarmOptions } from "./claude-code-pool.js";
export { ClaudeCodeRuntime, type ClaudeCodeState, claudeCode } from "./claude-code-runtime.js";
