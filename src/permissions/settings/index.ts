/**
 * Settings files and command hooks. This entry starts subprocesses (hook commands), so
 * it is kept out of the root `arky` entry.
 */
export * from "../../hooks/command/command-hook.js";
export * from "../../hooks/command/hook-output.js";
export * from "../../hooks/command/run-command.js";
export * from "./from-settings.js";
export * from "./load-settings.js";
