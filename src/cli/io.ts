import { type CliStdin, processStdin } from "./stdin.js";

/** Where a command reads and writes, so tests can supply and capture it. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Standard input (absent: nothing to read). */
  stdin?: CliStdin;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The process's own streams and environment; a closed stdout or stderr ends the process quietly. */
export function processIo(): CliIo {
  exitQuietlyOnClosedPipe();
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: processStdin(),
    env: process.env,
    cwd: process.cwd(),
  };
}

let pipeGuarded = false;

/**
 * When the reader of stdout or stderr goes away (`arky sessions list --json | head -1`),
 * Node reports EPIPE as an unhandled `error` event. Like ripgrep, Arky then exits at once
 * with status 0 and prints nothing: the reader chose to stop reading. Installed once.
 */
export function exitQuietlyOnClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(0);
      throw error;
    });
  }
}

/** Aborts on the first Ctrl-C; a second one exits at once. Returns the cleanup function. */
export function abortOnInterrupt(controller: AbortController): () => void {
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new DOMException("Interrupted (Ctrl-C).", "AbortError"));
  };
  process.on("SIGINT", onSigint);
  return () => process.off("SIGINT", onSigint);
}
