export * from "./model-provider.js";
export * from "./retry.js";
export * from "./runtime.js";
