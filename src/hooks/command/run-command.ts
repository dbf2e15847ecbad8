import { spawn } from "node:child_process";

/** Environment variables a hook command inherits; everything else is left out. */
export const HOOK_ENV_ALLOWLIST: readonly string[] = [
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "SHELL",
  "LANG",
  "LANGUAGE",
  "TERM",
  "TMPDIR",
  "TZ",
  "PWD",
];

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

/** The allowlisted subset of an environment, with `LC_*` locale variables. */
export function filterEnv(
  env: NodeJS.ProcessEnv,
  extra: Record<string, string> = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && (HOOK_ENV_ALLOWLIST.includes(key) || key.startsWith("LC_"))) out[key] = value;
  }
  return { ...out, ...extra };
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
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn("/bin/sh", ["-c", command], {
      cwd,
      env: filterEnv(baseEnv, env),
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // The group is already gone.
      }
    };
    const stop = () => {
      killGroup("SIGTERM");
      killTimer = setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
      killTimer.unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    if (signal.aborted) onAbort();

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
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      // Children of the shell may still hold the group; make sure they go too.
      if (timedOut || aborted) killGroup("SIGKILL");
      if (killTimer) clearTimeout(killTimer);
      const result: CommandResult = { exitCode: code, stdout, stderr, timedOut, aborted };
      if (spawnError) result.spawnError = spawnError;
      if (child.pid !== undefined) result.pid = child.pid;
      resolve(result);
    });
  });
}
