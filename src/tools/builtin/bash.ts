import { spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { z } from "zod";
import { stopGroupOn, stopProcessGroup } from "../../process/index.js";
import { ArkyError } from "../../protocol/index.js";
import { tool } from "../tool.js";
import type { Tool } from "../types.js";
import { capTail, type ToolLimits } from "./limits.js";
import type { AllowedRoots } from "./paths.js";

/** Options of {@link bashTool}. */
export interface BashToolOptions {
  roots: AllowedRoots;
  limits: ToolLimits;
  /** The full environment of the command (already filtered). */
  env: Record<string, string>;
}

const inputSchema = z.object({
  command: z.string().min(1).describe("The command, run with `bash -c` in the working directory."),
  timeoutMs: z.number().int().min(1).optional().describe("Timeout in milliseconds."),
  cwd: z.string().optional().describe("A folder inside the allowed directories to run in."),
});

/**
 * `bash`: runs a command with `bash -c` in its own process group. Output (stdout and stderr,
 * two pipes joined chunk by chunk as they arrive) keeps its tail when capped. On timeout or cancellation the whole
 * group gets SIGTERM then SIGKILL; background children do not outlive the call.
 */
export function bashTool({ roots, limits, env }: BashToolOptions): Tool {
  return tool({
    name: "bash",
    description:
      `Run a bash command in the working directory. Output is stdout and stderr together; long output keeps ` +
      `its last ${limits.maxOutputChars} characters. Default timeout ${limits.bashTimeoutMs} ms, at most ` +
      `${limits.bashMaxTimeoutMs} ms. Background processes are stopped when the command ends.`,
    input: inputSchema,
    readOnly: false,
    // The command's own timeout fires first; this only bounds a stuck teardown.
    timeoutMs: limits.bashMaxTimeoutMs + 10_000,
    execute: async ({ command, timeoutMs, cwd }, { signal }) => {
      const dir = cwd === undefined ? roots.cwd : await roots.resolve(cwd);
      await assertFolder(dir, cwd);
      const limit = Math.min(timeoutMs ?? limits.bashTimeoutMs, limits.bashMaxTimeoutMs);
      const run = await runBash(command, {
        cwd: dir,
        env,
        timeoutMs: limit,
        signal,
        maxChars: limits.maxOutputChars,
      });
      if (run.aborted) throw signal.reason ?? new DOMException("The command was cancelled.", "AbortError");
      const output = capTail(run.output, limits.maxOutputChars, run.totalChars);
      const status = run.signal ? `killed by ${run.signal}` : `exit code ${run.exitCode}`;
      const text = run.timedOut
        ? `${output}\n[timed out after ${limit} ms; the command was killed]`
        : output.length > 0
          ? `${output}\n[${status}]`
          : `[no output; ${status}]`;
      return { content: [{ type: "text", text }], isError: run.timedOut || run.exitCode !== 0 };
    },
  });
}

/** Spawning in a missing folder fails as `spawn bash ENOENT`, which names the wrong thing. */
async function assertFolder(dir: string, given: string | undefined): Promise<void> {
  const info = await stat(dir).catch((cause: NodeJS.ErrnoException) => cause);
  if (!(info instanceof Error) && info.isDirectory()) return;
  const named =
    given === undefined || given === dir ? JSON.stringify(dir) : `${JSON.stringify(given)} (${dir})`;
  const reason =
    info instanceof Error && info.code !== "ENOENT"
      ? `is not accessible: ${info.code}`
      : info instanceof Error
        ? "does not exist"
        : "is not a folder";
  throw new ArkyError({
    code: "tool-execution",
    message: `The working folder ${named} ${reason}.`,
    correction: "Create the folder first, or pass an existing folder as cwd.",
  });
}

interface BashRun {
  output: string;
  totalChars: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
}

interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  maxChars: number;
}

function runBash(command: string, { cwd, env, timeoutMs, signal, maxChars }: RunOptions): Promise<BashRun> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return resolve(empty({ aborted: true }));
    const child = spawn("bash", ["-c", command], {
      cwd,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let totalChars = 0;
    const onData = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      totalChars += text.length;
      output += text;
      // Keep twice the cap so a later cut still has whole lines to show.
      if (output.length > maxChars * 2) output = output.slice(-maxChars * 2);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    const watch = stopGroupOn(child.pid, { timeoutMs, signal });
    child.on("error", (error) => {
      watch.done();
      reject(
        new ArkyError({
          code: "tool-execution",
          message: `Could not run bash: ${error.message}`,
          cause: error,
        }),
      );
    });
    // 'exit' rather than 'close': a background child holding the pipes open must not keep
    // the call waiting. The group is stopped so no such child survives the call.
    child.on("exit", (exitCode, exitSignal) => {
      watch.done();
      // A child that exited was spawned, so it has a pid.
      void stopProcessGroup(child.pid!, { graceMs: 500 }).then(() => {
        const finish = () =>
          resolve({
            output: output.slice(-maxChars),
            totalChars,
            exitCode,
            signal: exitSignal,
            timedOut: watch.timedOut,
            aborted: watch.aborted,
          });
        if (child.stdout.readableEnded && child.stderr.readableEnded) finish();
        else {
          const drain = setTimeout(finish, 200);
          child.on("close", () => {
            clearTimeout(drain);
            finish();
          });
        }
      });
    });
  });
}

function empty(overrides: Partial<BashRun>): BashRun {
  return {
    output: "",
    totalChars: 0,
    exitCode: null,
    signal: null,
    timedOut: false,
    aborted: false,
    ...overrides,
  };
}
