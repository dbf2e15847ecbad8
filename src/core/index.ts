export * from "./agent.js";
export * from "./agent-types.js";
export * from "./async-queue.js";
export * from "./native-loop.js";
export * from "./native-runtime.js";
