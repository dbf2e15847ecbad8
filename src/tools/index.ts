export * from "./execute-tool.js";
export * from "./registry.js";
export * from "./tool.js";
export * from "./types.js";
