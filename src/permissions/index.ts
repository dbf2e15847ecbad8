export * from "./can-use-tool.js";
export * from "./create-guard.js";
export * from "./guard.js";
export * from "./mode.js";
export * from "./rule.js";
export * from "./rule-set.js";
export * from "./suggest-rule.js";
