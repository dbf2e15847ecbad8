import { JsonLineProcess, type ProcessExit } from "../../process/index.js";
import { ArkyError } from "../../protocol/index.js";
import { type CliLine, type ControlRequestLine, cliLineSchema } from "./claude-code-messages.js";

/** Where a CLI process reports to. The runtime swaps it as the process moves between turns. */
export interface ClaudeCodeProcessListener {
  onLine(line: CliLine): void;
  onProtocolError(error: ArkyError): void;
  onExit(exit: ProcessExit): void;
  /** Answers a control request of the CLI; a throw becomes an error response. */
  onControlRequest(request: ControlRequestLine["request"], signal: AbortSignal): Promise<unknown>;
}

/** Options of {@link ClaudeCodeProcess.start}. */
export interface ClaudeCodeProcessOptions {
  executable: string;
  args: string[];
  cwd: string;
  env: Record<string, string | undefined>;
  inheritEnv: readonly string[];
  maxLineBytes?: number;
  listener: ClaudeCodeProcessListener;
}

const INSTALL_HINT =
  "Install Claude Code (`npm i -g @anthropic-ai/claude-code`) or set the `executable` option to the path of `claude`.";

/**
 * One running `claude` process in stream-json mode: writes user messages, correlates
 * control requests in both directions, and tears down with interrupt → stdin close →
 * SIGTERM → SIGKILL.
 */
export class ClaudeCodeProcess {
  listener: ClaudeCodeProcessListener;
  readonly #process: JsonLineProcess<CliLine>;
  readonly #pending = new Map<
    string,
    { resolve: (value: unknown) => void; reject: (error: ArkyError) => void }
  >();
  readonly #incoming = new Map<string, AbortController>();
  #nextId = 0;
  #exit: ProcessExit | undefined;

  private constructor(process: JsonLineProcess<CliLine>, listener: ClaudeCodeProcessListener) {
    this.#process = process;
    this.listener = listener;
  }

  static async start(options: ClaudeCodeProcessOptions): Promise<ClaudeCodeProcess> {
    let self: ClaudeCodeProcess | undefined;
    const early: CliLine[] = [];
    const process = await JsonLineProcess.start<CliLine>({
      command: options.executable,
      args: options.args,
      cwd: options.cwd,
      env: options.env,
      inheritEnv: options.inheritEnv,
      schema: cliLineSchema,
      name: "claude",
      maxLineBytes: options.maxLineBytes,
      installHint: INSTALL_HINT,
      onMessage: (line) => (self ? self.#route(line) : early.push(line)),
      onProtocolError: (error) => self?.listener.onProtocolError(error),
      onExit: (exit) => {
        if (self) self.#exited(exit);
      },
    });
    self = new ClaudeCodeProcess(process, options.listener);
    for (const line of early) self.#route(line);
    return self;
  }

  get pid(): number {
    return this.#process.pid;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.#exit === undefined && !this.#process.exited;
  }

  get exit(): Promise<ProcessExit> {
    return this.#process.exit;
  }

  stderrTail(): string {
    return this.#process.stderrTail();
  }

  /** Sends a user message (the start of a turn). */
  sendUser(content: unknown[]): boolean {
    return this.#process.write({
      type: "user",
      session_id: "",
      message: { role: "user", content },
      parent_tool_use_id: null,
    });
  }

  /** Sends a control request and resolves with the CLI's response payload. */
  request(payload: { subtype: string; [key: string]: unknown }, timeoutMs = 30_000): Promise<unknown> {
    const requestId = `arky_${++this.#nextId}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        reject(
          new ArkyError({ code: "timeout", message: `claude did not answer ${payload.subtype} in time.` }),
        );
      }, timeoutMs);
      this.#pending.set(requestId, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      if (!this.#process.write({ type: "control_request", request_id: requestId, request: payload })) {
        this.#pending.get(requestId)?.reject(this.#goneError());
        this.#pending.delete(requestId);
      }
    });
  }

  /** Asks the CLI to stop the running turn; its `result` follows. */
  interrupt(): Promise<unknown> {
    return this.request({ subtype: "interrupt" }, 5_000);
  }

  /**
   * Ends the process: interrupt (when `interrupt` is set), stdin close, SIGTERM, SIGKILL,
   * each given `graceMs`. Resolves once it is gone.
   */
  async close(options: { graceMs?: number; interrupt?: boolean } = {}): Promise<ProcessExit> {
    const graceMs = options.graceMs ?? 2000;
    if (options.interrupt && this.alive) {
      await Promise.race([this.interrupt().catch(() => undefined), delay(graceMs)]);
    }
    return this.#process.close({ graceMs });
  }

  /** Kills the process group at once (used by tests and as the last resort). */
  kill(): void {
    this.#process.kill("SIGKILL");
  }

  #route(line: CliLine): void {
    switch (line.type) {
      case "control_response": {
        const response = (line as Extract<CliLine, { type: "control_response" }>).response;
        const pending = this.#pending.get(response.request_id);
        if (!pending) return;
        this.#pending.delete(response.request_id);
        if (response.subtype === "success") pending.resolve(response.response);
        else
          pending.reject(
            new ArkyError({
              code: "invalid-request",
              message: `claude refused the request: ${response.error ?? "unknown error"}`,
              details: { errorCode: response.error_code },
            }),
          );
        return;
      }
      case "control_request":
        void this.#answer(line as ControlRequestLine);
        return;
      case "control_cancel_request": {
        const id = (line as { request_id: string }).request_id;
        this.#incoming
          .get(id)
          ?.abort(new ArkyError({ code: "cancelled", message: "claude withdrew the request." }));
        return;
      }
      default:
        this.listener.onLine(line);
    }
  }

  async #answer(line: ControlRequestLine): Promise<void> {
    const controller = new AbortController();
    this.#incoming.set(line.request_id, controller);
    let response: Record<string, unknown>;
    try {
      const value = await this.listener.onControlRequest(line.request, controller.signal);
      response = { subtype: "success", request_id: line.request_id, response: value ?? {} };
    } catch (error) {
      response = {
        subtype: "error",
        request_id: line.request_id,
        error: error instanceof Error ? error.message : String(error),
      };
    } finally {
      this.#incoming.delete(line.request_id);
    }
    // A withdrawn request must not be answered.
    if (!controller.signal.aborted) this.#process.write({ type: "control_response", response });
  }

  #exited(exit: ProcessExit): void {
    this.#exit = exit;
    for (const pending of this.#pending.values()) pending.reject(this.#goneError());
    this.#pending.clear();
    for (const controller of this.#incoming.values()) controller.abort(this.#goneError());
    this.listener.onExit(exit);
  }

  #goneError(): ArkyError {
    return new ArkyError({ code: "process-exited", message: "The claude process has exited." });
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
