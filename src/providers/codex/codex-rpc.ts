import type { z } from "zod";
import type { ProcessExit } from "../../process/index.js";
import { ArkyError } from "../../protocol/index.js";
import { LineRpc, type RpcFraming } from "../../provider/line-rpc.js";
import { codexRpcError } from "./codex-errors.js";
import { type CodexIncoming, codexIncomingSchema, initializeResultSchema } from "./codex-messages.js";
import { type CodexLaunch, type CodexRuntimeOptions, codexLaunch } from "./codex-options.js";

/** A server→client request id (the app server counts integers from 0). */
export type RpcId = number | string;

/** What the client reports to its owner. Callbacks must not throw. */
export interface CodexRpcHandlers {
  onNotification(method: string, params: unknown): void;
  /** A request from the server; answer it on `client` with {@link CodexRpcClient.respond}. */
  onServerRequest(id: RpcId, method: string, params: unknown, client: CodexRpcClient): void;
  /** A line that could not be used (not JSON, wrong shape, unknown response id). */
  onProtocolError(error: ArkyError): void;
  /** The process ended; pending requests have been rejected with `exit.error`. */
  onExit(exit: ProcessExit): void;
}

/** Options of {@link CodexRpcClient.start}; `requestTimeoutMs` is the default timeout of a request. */
export type CodexRpcStartOptions = CodexLaunch & { requestTimeoutMs: number; handlers: CodexRpcHandlers };

/** Options of one request. */
export interface RpcRequestOptions<T> {
  schema: z.ZodType<T>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Notifications nobody in Arky reads; Codex stops sending them when asked. */
const OPTED_OUT = ["remoteControl/status/changed", "account/rateLimits/updated", "thread/goal/cleared"];

const INSTALL_HINT =
  "Install Codex (`npm install -g @openai/codex`) or pass `executable` with the path of the `codex` binary.";

/** JSON-RPC 2.0 framing (without the `jsonrpc` member, which the app server omits). */
const framing: RpcFraming<CodexIncoming, RpcId> = {
  id: (n) => n,
  request: (id, method, params) => ({ method, id, params: params ?? {} }),
  responseTo: (message) => (message.method === undefined ? message.id : undefined),
  outcome: (message, method) =>
    message.error
      ? { ok: false, error: codexRpcError(method, message.error) }
      : { ok: true, value: message.result },
};

/**
 * JSON-RPC over the stdio of one `codex app-server` process, on the shared {@link LineRpc}:
 * numbered requests with timeouts and classified errors, results validated with a schema,
 * server requests and notifications handed to the owner. A process exit rejects every
 * pending request with a `process-exited` error. Threads loaded in it are tracked by the
 * runtime with the client's `generation`, so a restarted process resumes them.
 */
export class CodexRpcClient {
  readonly generation: number;
  readonly #rpc: LineRpc<CodexIncoming, RpcId>;
  #closed = false;

  private constructor(rpc: LineRpc<CodexIncoming, RpcId>, generation: number) {
    this.#rpc = rpc;
    this.generation = generation;
  }

  /** Spawns and initializes the app server of a runtime. */
  static async open(
    options: CodexRuntimeOptions,
    generation: number,
    handlers: CodexRpcHandlers,
  ): Promise<CodexRpcClient> {
    const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
    const client = await CodexRpcClient.start(
      { ...codexLaunch(options), requestTimeoutMs, handlers },
      generation,
    );
    try {
      await client.request(
        "initialize",
        {
          clientInfo: { name: "arky", title: "Arky", version: "0.1.0" },
          capabilities: { experimentalApi: false, optOutNotificationMethods: OPTED_OUT },
        },
        { schema: initializeResultSchema },
      );
      client.notify("initialized");
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  /** Spawns the app server. Rejects with `executable-not-found` when it cannot run. */
  static async start(options: CodexRpcStartOptions, generation = 0): Promise<CodexRpcClient> {
    const { handlers, requestTimeoutMs, ...launch } = options;
    const rpc = await LineRpc.start<CodexIncoming, RpcId>({
      ...launch,
      schema: codexIncomingSchema,
      name: "codex app-server",
      installHint: INSTALL_HINT,
      peer: "Codex",
      framing,
      timeoutMs: requestTimeoutMs,
      details: { provider: "codex" },
      // An idle app server must not keep a script from exiting; turns hold it.
      unrefWhenIdle: true,
    });
    const client = new CodexRpcClient(rpc, generation);
    rpc.attach({
      onMessage: (message) => {
        if (message.method === undefined) return;
        if (message.id !== undefined)
          handlers.onServerRequest(message.id, message.method, message.params, client);
        else handlers.onNotification(message.method, message.params);
      },
      onProtocolError: handlers.onProtocolError,
      onExit: handlers.onExit,
    });
    return client;
  }

  /** Whether the process is still running and not being closed. */
  get alive(): boolean {
    return !this.#closed && this.#rpc.alive;
  }

  get pid(): number {
    return this.#rpc.process.pid;
  }

  /** Keeps Node alive for the app server until released (while a turn runs). */
  hold(): () => void {
    return this.#rpc.process.hold();
  }

  /** Sends a request and resolves with its validated result. */
  async request<T>(method: string, params: unknown, options: RpcRequestOptions<T>): Promise<T> {
    const result = await this.#rpc.request(method, params, options);
    const parsed = options.schema.safeParse(result);
    if (parsed.success) return parsed.data;
    throw new ArkyError({
      code: "protocol",
      message: `Codex answered ${method} with an unexpected shape.`,
      details: { provider: "codex", method, issues: parsed.error.issues.slice(0, 5).map((i) => i.message) },
    });
  }

  /** Sends a notification (no answer expected). */
  notify(method: string, params?: unknown): void {
    this.#rpc.process.write(params === undefined ? { method } : { method, params });
  }

  /** Answers a server request. */
  respond(id: RpcId, result: unknown): void {
    this.#rpc.process.write({ id, result });
  }

  /** Answers a server request with an error. */
  respondError(id: RpcId, code: number, message: string): void {
    this.#rpc.process.write({ id, error: { code, message } });
  }

  /** Kills the process group now (tests simulate crashes with this). */
  kill(): void {
    this.#rpc.process.kill("SIGKILL");
  }

  /**
   * Ends the process (stdin close, then SIGTERM, then SIGKILL) and waits for it, and
   * anything it started that outlived it: the npm `codex` launcher starts the real binary in
   * its own session, which the process-group teardown sweeps.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#rpc.process.close({ graceMs: 1500 });
  }
}
