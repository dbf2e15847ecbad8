/** Command hooks (subprocesses): not exported from the root entry. */
export * from "./command-hook.js";
export * from "./hook-output.js";
export * from "./run-command.js";
