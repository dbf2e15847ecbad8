export * from "./descendants.js";
export * from "./environment.js";
export * from "./idle-timer.js";
export * from "./json-line-process.js";
export * from "./line-decoder.js";
export * from "./parse-json-line.js";
export * from "./process-group.js";
export * from "./stderr-tail.js";
