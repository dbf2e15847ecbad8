/**
 * `arky/testing`: the scripted model server (a real HTTP server speaking model APIs
 * from a script) and the script format it shares with the in-process scripted provider.
 */

export * from "./openai-responses/index.js";
export * from "./route.js";
export * from "./script.js";
export * from "./scripted-provider.js";
export * from "./server.js";
export { rawSseFrame, SseWriter, sseFrame } from "./sse.js";
