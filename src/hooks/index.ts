export * from "./hook-chain.js";
export { compileToolMatcher, type ToolNameMatcher } from "./matcher.js";
export { DEFAULT_HOOK_TIMEOUT_MS } from "./run-hook.js";
export * from "./tool-names.js";
export * from "./types.js";
