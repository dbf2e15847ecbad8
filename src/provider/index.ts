export * from "./event-queue.js";
export * from "./model-provider.js";
export * from "./retry.js";
export * from "./runtime.js";
export * from "./tool-service.js";
export * from "./turn-kit.js";
