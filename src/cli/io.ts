/** Where a command writes, so tests can capture it. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The process's own streams and environment. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
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
