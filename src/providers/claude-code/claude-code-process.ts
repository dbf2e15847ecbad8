import type { JsonLineProcessOptions, ProcessExit } from "../../process/index.js";
import { ArkyError } from "../../protocol/index.js";
import { LineRpc, type RpcFraming } from "../../provider/line-rpc.js";
import { explainClaudeExit } from "./claude-code-errors.js";
import { type CliLine, type ControlRequestLine, cliLineSchema } from "./claude-code-messages.js";

/** Where a CLI process reports to. The runtime swaps it as the process moves between turns. */
export interface ClaudeCodeProcessListener {
  onLine(line: CliLine): void;
  onProtocolError(error: ArkyError): void;
  onExit(exit: ProcessExit): void;
  /** Answers a control request of the CLI; a throw becomes an error response. */
  onControlRequest(request: ControlRequestLine["request"], signal: AbortSignal): Promise<unknown>;
}

/** How to spawn a CLI process (see {@link ClaudeCodeProcess.start}). */
export type ClaudeCodeLaunch = Pick<
  JsonLineProcessOptions<CliLine>,
  "command" | "args" | "cwd" | "env" | "inheritEnv" | "maxLineBytes"
>;

const INSTALL_HINT =
  "Install Claude Code (`npm i -g @anthropic-ai/claude-code`) or set the `executable` option to the path of `claude`.";

type ControlResponse = Extract<CliLine, { type: "control_response" }>["response"];

/** The control protocol: `control_request` lines out, `control_response` lines back, by `request_id`. */
const framing: RpcFraming<CliLine, string> = {
  id: (n) => `arky_${n}`,
  request: (id, _subtype, payload) => ({ type: "control_request", request_id: id, request: payload }),
  responseTo: (line) =>
    line.type === "control_response" ? (line.response as ControlResponse).request_id : undefined,
  outcome: (line) => {
    const response = line.response as ControlResponse;
    if (response.subtype === "success") return { ok: true, value: response.response };
    return {
      ok: false,
      error: new ArkyError({
        code: "invalid-request",
        message: `claude refused the request: ${response.error ?? "unknown error"}`,
        details: { errorCode: response.error_code },
      }),
    };
  },
};

/**
 * One running `claude` process in stream-json mode: writes user messages, correlates
 * control requests in both directions (ours through the shared {@link LineRpc}), and tears
 * down with interrupt → stdin close → SIGTERM → SIGKILL.
 */
export class ClaudeCodeProcess {
  listener: ClaudeCodeProcessListener;
  readonly #rpc: LineRpc<CliLine, string>;
  readonly #incoming = new Map<string, AbortController>();
  /** The CLI reported its `system init` (it does before its first turn's output). */
  initialized = false;

  private constructor(rpc: LineRpc<CliLine, string>, listener: ClaudeCodeProcessListener) {
    this.#rpc = rpc;
    this.listener = listener;
    rpc.attach({
      onMessage: (line) => this.#route(line),
      onProtocolError: (error) => this.listener.onProtocolError(error),
      onExit: (exit) => this.#exited(exit),
    });
  }

  static async start(
    launch: ClaudeCodeLaunch,
    listener: ClaudeCodeProcessListener,
  ): Promise<ClaudeCodeProcess> {
    const rpc = await LineRpc.start<CliLine, string>({
      ...launch,
      schema: cliLineSchema,
      name: "claude",
      installHint: INSTALL_HINT,
      peer: "claude",
      framing,
      timeoutMs: 30_000,
      // An idle CLI (between turns, in the pool) must not keep a script from exiting.
      unrefWhenIdle: true,
      explainExit: explainClaudeExit,
    });
    return new ClaudeCodeProcess(rpc, listener);
  }

  get pid(): number {
    return this.#rpc.process.pid;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.#rpc.alive;
  }

  stderrTail(): string {
    return this.#rpc.process.stderrTail();
  }

  /** Keeps Node alive for this process until released (while a turn runs). */
  hold(): () => void {
    return this.#rpc.process.hold();
  }

  /** Sends a user message (the start of a turn). */
  sendUser(content: unknown[]): boolean {
    return this.#rpc.process.write({
      type: "user",
      session_id: "",
      message: { role: "user", content },
      parent_tool_use_id: null,
    });
  }

  /** Sends a control request and resolves with the CLI's response payload. */
  request(payload: { subtype: string; [key: string]: unknown }, timeoutMs?: number): Promise<unknown> {
    return this.#rpc.request(payload.subtype, payload, { timeoutMs });
  }

  /** Asks the CLI to stop the running turn; its `result` follows. */
  interrupt(): Promise<unknown> {
    return this.request({ subtype: "interrupt" }, 5_000);
  }

  /**
   * Ends the process: interrupt (when `interrupt` is set), stdin close, SIGTERM, SIGKILL,
   * each given `graceMs`. Resolves once it is gone.
   */
  close(options: { graceMs?: number; interrupt?: boolean } = {}): Promise<ProcessExit> {
    const interrupt = options.interrupt && this.alive ? () => this.interrupt() : undefined;
    return this.#rpc.process.close({ graceMs: options.graceMs ?? 2000, interrupt });
  }

  #route(line: CliLine): void {
    switch (line.type) {
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
        if (line.type === "system" && (line as { subtype?: unknown }).subtype === "init")
          this.initialized = true;
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
    if (!controller.signal.aborted) this.#rpc.process.write({ type: "control_response", response });
  }

  #exited(exit: ProcessExit): void {
    const gone = new ArkyError({ code: "process-exited", message: "The claude process has exited." });
    for (const controller of this.#incoming.values()) controller.abort(gone);
    this.listener.onExit(exit);
  }
}
