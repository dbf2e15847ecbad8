import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { basename } from "node:path";
import type { z } from "zod";
import { ArkyError } from "../protocol/index.js";
import { findDescendants, killDescendants } from "./descendants.js";
import { buildChildEnv } from "./environment.js";
import { LineDecoder } from "./line-decoder.js";
import { lineTooLongError, parseJsonLine } from "./parse-json-line.js";
import { signalGroup, stopProcessGroup, trackGroup, untrackGroup } from "./process-group.js";
import { TailBuffer } from "./stderr-tail.js";

/** How a child process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last part of what the child wrote to stderr. */
  stderrTail: string;
  /** True when the exit was asked for through {@link JsonLineProcess.close}. */
  requested: boolean;
  /** A `process-exited` error, set when the exit was not requested. */
  error?: ArkyError;
}

/** Options of {@link JsonLineProcess.start}. */
export interface JsonLineProcessOptions<T> {
  /** The executable: a path or a name looked up on `PATH`. Spawned without a shell. */
  command: string;
  args?: readonly string[];
  cwd?: string;
  /** Variables to set (string) or remove (undefined) on top of the inherited allowlist. */
  env?: Record<string, string | undefined>;
  /** Extra host variable names to inherit (see `DEFAULT_INHERITED_ENV`). */
  inheritEnv?: readonly string[];
  /** Validates each stdout line; invalid lines are reported, not delivered. */
  schema: z.ZodType<T>;
  /** Name used in messages (default: the command's basename). */
  name?: string;
  /** Longest stdout line accepted, in bytes (default 16 MiB). */
  maxLineBytes?: number;
  /** How much stderr to keep (default 64 KiB). */
  stderrTailBytes?: number;
  /** The `correction` of the `executable-not-found` error (how to install or point at it). */
  installHint?: string;
  /** Each valid stdout message, in order. */
  onMessage: (message: T) => void;
  /** A skipped stdout line (not JSON, schema-invalid, too long): a `protocol` error. */
  onProtocolError?: (error: ArkyError) => void;
  /** The process ended (after its last stdout line was delivered). */
  onExit?: (exit: ProcessExit) => void;
  /** Aborting closes the process (as {@link JsonLineProcess.close}). */
  signal?: AbortSignal;
  /**
   * When true, the process and its pipes keep Node's event loop alive only while it is
   * held ({@link JsonLineProcess.hold}): an idle CLI does not stop a script from exiting
   * (the exit handler of {@link trackGroup} then kills its group). Default false.
   */
  unrefWhenIdle?: boolean;
}

/** Options of {@link JsonLineProcess.close}. */
export interface CloseOptions {
  /** How long each step (interrupt, stdin close, SIGTERM) may take before the next one (default 2000 ms). */
  graceMs?: number;
  /** Asks the child to stop its work first (a CLI's interrupt request); awaited up to `graceMs`. */
  interrupt?: () => Promise<unknown>;
}

const MiB = 1024 * 1024;
const DETAILS_TAIL = 4096;

/**
 * A child process speaking JSON lines on stdin/stdout, spawned like the MCP SDK's stdio
 * transport: no shell, an allowlisted environment, its own process group, stderr kept in
 * a bounded tail from the start, LF framing with a size cap, and a teardown that
 * escalates stdin close → SIGTERM → SIGKILL on the whole group.
 */
export class JsonLineProcess<T> {
  readonly pid: number;
  readonly name: string;
  /** Resolves once the process has ended and its output has been delivered. */
  readonly exit: Promise<ProcessExit>;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #stderr: TailBuffer;
  readonly #unrefWhenIdle: boolean;
  #requested = false;
  #exited: ProcessExit | undefined;
  #holds = 0;

  private constructor(
    child: ChildProcessWithoutNullStreams,
    options: JsonLineProcessOptions<T>,
    name: string,
    stderr: TailBuffer,
  ) {
    this.#child = child;
    this.pid = child.pid!;
    this.name = name;
    this.#stderr = stderr;
    this.#unrefWhenIdle = options.unrefWhenIdle === true;
    trackGroup(this.pid);
    if (this.#unrefWhenIdle) this.#keepAlive(false);
    const maxLineBytes = options.maxLineBytes ?? 16 * MiB;
    const report = (error: ArkyError) => options.onProtocolError?.(error);
    const decoder = new LineDecoder({
      maxLineBytes,
      onLine: (line) => {
        const parsed = parseJsonLine(line, options.schema, name);
        if (!parsed) return;
        if (parsed.ok) options.onMessage(parsed.value);
        else report(parsed.error);
      },
      onOverflow: (bytes) => report(lineTooLongError(name, bytes, maxLineBytes)),
    });
    const stdoutDone = new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk: Buffer) => decoder.push(chunk));
      child.stdout.once("end", () => {
        decoder.end();
        resolve();
      });
      child.stdout.once("error", () => resolve());
    });
    const stderrDone = child.stderr.readableEnded
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          child.stderr.once("end", resolve);
          child.stderr.once("error", () => resolve());
        });
    // A write to a child that already exited fails with EPIPE; the exit report covers it.
    child.stdin.on("error", () => {});
    this.exit = new Promise<ProcessExit>((resolve) => {
      child.once("exit", (code, signal) => {
        // Grandchildren (a tool's shell) must not outlive their parent, nor hold our pipes open.
        signalGroup(this.pid, "SIGKILL");
        untrackGroup(this.pid);
        let settled = false;
        const settle = () => {
          if (settled) return;
          settled = true;
          const exit = this.#describeExit(code, signal);
          this.#exited = exit;
          options.onExit?.(exit);
          resolve(exit);
        };
        const late = setTimeout(settle, 1000);
        void Promise.all([stdoutDone, stderrDone]).then(() => {
          clearTimeout(late);
          settle();
        });
      });
    });
    if (options.signal) {
      const onAbort = () => void this.close();
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener("abort", onAbort, { once: true });
      void this.exit.then(() => options.signal?.removeEventListener("abort", onAbort));
    }
  }

  /**
   * Spawns the process. Rejects with `executable-not-found` when the executable is
   * missing or not executable; every later failure is reported through the callbacks.
   */
  static start<T>(options: JsonLineProcessOptions<T>): Promise<JsonLineProcess<T>> {
    const name = options.name ?? basename(options.command);
    const stderr = new TailBuffer(options.stderrTailBytes ?? 64 * 1024);
    if (options.cwd !== undefined && !existsSync(options.cwd)) {
      return Promise.reject(
        new ArkyError({
          code: "configuration",
          message: `The working directory of ${name} does not exist: ${options.cwd}`,
          correction: "Create the directory or pass an existing `cwd`.",
        }),
      );
    }
    return new Promise((resolve, reject) => {
      let child: ChildProcessWithoutNullStreams;
      try {
        child = spawn(options.command, [...(options.args ?? [])], {
          cwd: options.cwd,
          env: buildChildEnv({ env: options.env, inherit: options.inheritEnv }),
          stdio: ["pipe", "pipe", "pipe"],
          detached: true,
          shell: false,
          windowsHide: true,
        });
      } catch (cause) {
        reject(notFound(options, name, cause));
        return;
      }
      child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      child.once("error", (cause) => reject(notFound(options, name, cause)));
      child.once("spawn", () => {
        child.removeAllListeners("error");
        // After a successful spawn, failures show up as the exit (or an EPIPE on stdin).
        child.on("error", () => {});
        resolve(new JsonLineProcess(child, options, name, stderr));
      });
    });
  }

  /** Whether the process has ended. */
  get exited(): boolean {
    return this.#exited !== undefined || this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  /** What the child wrote to stderr lately (bounded). */
  stderrTail(): string {
    return this.#stderr.text();
  }

  /**
   * Keeps Node alive for this process until the returned release is called (for a turn
   * in flight). Without `unrefWhenIdle` the process always keeps Node alive.
   */
  hold(): () => void {
    if (this.#holds++ === 0) this.#keepAlive(true);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.#holds === 0 && this.#unrefWhenIdle) this.#keepAlive(false);
    };
  }

  #keepAlive(on: boolean): void {
    const child = this.#child;
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as Array<Partial<Refable>>)
      on ? handle.ref?.() : handle.unref?.();
  }

  /** Writes one message as a JSON line. Returns false when stdin is already closed. */
  write(message: unknown): boolean {
    const stdin = this.#child.stdin;
    if (this.exited || stdin.destroyed || stdin.writableEnded) return false;
    stdin.write(`${JSON.stringify(message)}\n`);
    return true;
  }

  /** Sends a signal to the process group now (SIGKILL also reaches descendants in other groups). */
  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    this.#requested = true;
    if (signal === "SIGKILL") {
      const found = findDescendants(this.pid);
      if (found.length > 0) void this.exit.then(() => killDescendants(found));
    }
    signalGroup(this.pid, signal);
  }

  /**
   * Ends the process with {@link stopProcessGroup}: interrupt (when given), stdin close,
   * SIGTERM, SIGKILL, each given `graceMs`; descendants in other groups go too. Resolves
   * when it is gone. Idempotent.
   */
  async close(options: CloseOptions = {}): Promise<ProcessExit> {
    this.#requested = true;
    if (this.exited) return this.exit;
    await stopProcessGroup(this.pid, {
      graceMs: options.graceMs ?? 2000,
      exited: this.exit,
      interrupt: options.interrupt,
      closeInput: () => this.#child.stdin.end(),
    });
    return this.exit;
  }

  #describeExit(code: number | null, signal: NodeJS.Signals | null): ProcessExit {
    const stderrTail = this.#stderr.text();
    const exit: ProcessExit = { code, signal, stderrTail, requested: this.#requested };
    if (!this.#requested) {
      exit.error = new ArkyError({
        code: "process-exited",
        message:
          signal !== null
            ? `${this.name} was killed by ${signal}.`
            : `${this.name} exited unexpectedly with code ${code}.`,
        details: { exitCode: code, signal, stderrTail: stderrTail.slice(-DETAILS_TAIL) },
      });
    }
    return exit;
  }
}

/** A handle that can stop keeping the event loop alive (a child process, a pipe's socket). */
interface Refable {
  ref(): void;
  unref(): void;
}

function notFound<T>(options: JsonLineProcessOptions<T>, name: string, cause: unknown): ArkyError {
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code;
  const missing = errno === "ENOENT";
  return new ArkyError({
    code: "executable-not-found",
    message: missing
      ? `Cannot find the ${name} executable (${options.command}).`
      : `Cannot run the ${name} executable (${options.command})${errno ? `: ${errno}` : ""}.`,
    correction: options.installHint ?? `Install ${name} or pass the path of its executable.`,
    details: { command: options.command, errno },
    cause,
  });
}
