export * from "./export.js";
export * from "./in-memory-store.js";
export * from "./metadata.js";
export * from "./metadata-columns.js";
export * from "./rebuild-messages.js";
export * from "./store.js";
