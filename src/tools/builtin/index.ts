/**
 * `arky/tools`: the built-in coding tools and the tool primitives.
 */

export { ToolRegistry } from "../registry.js";
export { tool } from "../tool.js";
export type { Tool, ToolOutput, ToolResult } from "../types.js";
export { type BashToolOptions, bashTool } from "./bash.js";
export { type CodingToolsOptions, codingTools } from "./coding-tools.js";
export type { FileToolContext } from "./context.js";
export { editTool } from "./edit.js";
export { ENV_ALLOWLIST } from "./env.js";
export { globTool } from "./glob.js";
export { type GrepToolOptions, grepTool } from "./grep.js";
export { DEFAULT_LIMITS, type ToolLimits } from "./limits.js";
export { AllowedRoots } from "./paths.js";
export { readTool } from "./read.js";
export { type TodoItem, TodoList, todoReadTool, todoWriteTool } from "./todo.js";
export { webFetchTool } from "./web-fetch.js";
export { writeTool } from "./write.js";
