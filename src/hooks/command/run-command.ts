import { spawn } from "node:child_process";
import { buildChildEnv, signalGroup, stopGroupOn } from "../../process/index.js";

/** Host variables a hook command inherits beyond the shared allowlist (`DEFAULT_INHERITED_ENV`). */
const HOOK_EXTRA_ENV: readonly string[] = ["PWD"];

const OUTPUT_CAP = 1024 * 1024;
const KILL_GRACE_MS = 1000;

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  /** A shell string, run with `/bin/sh -c`. */
  command: string;
  /** Written to the command's stdin, then stdin is closed. */
  stdin: string;
  cwd: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Added to the allowlisted environment (e.g. `CLAUDE_PROJECT_DIR`). */
  env?: Record<string, string>;
  /** The environment to filter (default `process.env`). */
  baseEnv?: NodeJS.ProcessEnv;
}

/** How a command ended. */
export interface CommandResult {
  /** Exit code, or null when the process was killed by a signal or never started. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** Set when the process could not be started at all. */
  spawnError?: Error;
  /** The process id, when it started. */
  pid?: number;
}

/**
 * Runs a hook command in its own process group with a filtered environment. On timeout
 * or abort the whole group gets SIGTERM, then SIGKILL after a second, so nothing the
 * command started survives. Never rejects. Output beyond 1 MiB per stream is dropped.
 */
export function runCommand(options: RunCommandOptions): Promise<CommandResult> {
  const { command, stdin, cwd, timeoutMs, signal, env, baseEnv = process.env } = options;
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    const child = spawn("/bin/sh", ["-c", command], {
      cwd,
      env: buildChildEnv({ source: baseEnv, inherit: HOOK_EXTRA_ENV, env }),
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const watch = stopGroupOn(child.pid, { timeoutMs, signal, graceMs: KILL_GRACE_MS });

    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (stdout.length < OUTPUT_CAP) stdout += chunk.slice(0, OUTPUT_CAP - stdout.length);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < OUTPUT_CAP) stderr += chunk.slice(0, OUTPUT_CAP - stderr.length);
    });
    // A command that exits without reading stdin makes the write fail with EPIPE; that is fine.
    child.stdin.on("error", () => {});
    child.stdin.end(stdin);

    let spawnError: Error | undefined;
    child.on("error", (error) => {
      // A missing working directory also shows up as "spawn /bin/sh ENOENT"; name it.
      spawnError = new Error(`${error.message} (cwd: ${cwd})`, { cause: error });
    });
    child.on("close", (code) => {
      watch.done();
      const { timedOut, aborted } = watch;
      // Children of the shell may still hold the group; make sure they go too.
      if ((timedOut || aborted) && child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
      const result: CommandResult = { exitCode: code, stdout, stderr, timedOut, aborted };
      if (spawnError) result.spawnError = spawnError;
      if (child.pid !== undefined) result.pid = child.pid;
      resolve(result);
    });
  });
}
