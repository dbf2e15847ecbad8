export * from "./hook-chain.js";
export * from "./matcher.js";
export * from "./run-hook.js";
export * from "./tool-names.js";
export * from "./types.js";
