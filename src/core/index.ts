export * from "./agent.js";
export * from "./agent-types.js";
export * from "./native-loop.js";
export * from "./native-runtime.js";
export * from "./session-writer.js";
