/**
 * `arky`: the Agent, the native loop, the event model, tools and sessions. Runtimes and
 * stores live in their own subpaths (`arky/anthropic`, `arky/claude-code`, `arky/sqlite`, …)
 * so this entry stays light and free of subprocess, database and server code.
 */
export * from "./core/index.js";
export * from "./hooks/index.js";
export * from "./permissions/index.js";
export * from "./protocol/index.js";
export * from "./provider/index.js";
export * from "./session/index.js";
export * from "./tools/index.js";
