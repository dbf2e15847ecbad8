/**
 * `arky/codex`: the Codex runtime, over the Codex app server (`codex app-server`).
 *
 * ```ts
 * import { Agent } from "arky";
 * import { codex } from "arky/codex";
 * const agent = new Agent({ runtime: codex({ model: "gpt-5.5", sandboxMode: "workspace-write" }) });
 * ```
 */
export { CODEX_TOOL_NAMES } from "./codex-items.js";
export type {
  CodexApprovalPolicy,
  CodexModelProvider,
  CodexReasoningEffort,
  CodexRetryOptions,
  CodexRuntimeOptions,
  CodexSandboxMode,
} from "./codex-options.js";
export { CODEX_REASONING_EFFORTS } from "./codex-options.js";
export { CodexRuntime, codex } from "./codex-runtime.js";
