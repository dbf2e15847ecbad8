import type { z } from "zod";
import { JsonLineProcess, type ProcessExit } from "../../process/index.js";
import { ArkyError, cancelledError } from "../../protocol/index.js";
import { codexRpcError } from "./codex-errors.js";
import { type CodexIncoming, codexIncomingSchema } from "./codex-messages.js";

/** A server→client request id (the app server counts integers from 0). */
export type RpcId = number | string;

/** What the client reports to its owner. Callbacks must not throw. */
export interface CodexRpcHandlers {
  onNotification(method: string, params: unknown): void;
  /** A request from the server; answer it with {@link CodexRpcClient.respond}. */
  onServerRequest(id: RpcId, method: string, params: unknown): void;
  /** A line that could not be used (not JSON, wrong shape, unknown response id). */
  onProtocolError(error: ArkyError): void;
  /** The process ended; pending requests have been rejected with `exit.error`. */
  onExit(exit: ProcessExit): void;
}

/** Options of {@link CodexRpcClient.start}. */
export interface CodexRpcStartOptions {
  command: string;
  args: readonly string[];
  cwd?: string;
  env: Record<string, string | undefined>;
  inheritEnv: readonly string[];
  /** Default timeout of a request in milliseconds. */
  requestTimeoutMs: number;
  handlers: CodexRpcHandlers;
}

/** Options of one request. */
export interface RpcRequestOptions<T> {
  schema: z.ZodType<T>;
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface Pending {
  method: string;
  resolve: (value: CodexIncoming) => void;
  reject: (error: ArkyError) => void;
}

const INSTALL_HINT =
  "Install Codex (`npm install -g @openai/codex`) or pass `executable` with the path of the `codex` binary.";

/**
 * JSON-RPC over the stdio of one `codex app-server` process: numbered requests with
 * timeouts and classified errors, server requests and notifications handed to the owner.
 * A process exit rejects every pending request with a `process-exited` error.
 */
export class CodexRpcClient {
  readonly #process: JsonLineProcess<CodexIncoming>;
  readonly #pending = new Map<RpcId, Pending>();
  readonly #timeoutMs: number;
  #nextId = 1;
  #exitError: ArkyError | undefined;

  private constructor(process: JsonLineProcess<CodexIncoming>, timeoutMs: number) {
    this.#process = process;
    this.#timeoutMs = timeoutMs;
  }

  /** Spawns the app server. Rejects with `executable-not-found` when it cannot run. */
  static async start(options: CodexRpcStartOptions): Promise<CodexRpcClient> {
    let client: CodexRpcClient | undefined;
    const early: CodexIncoming[] = [];
    const process = await JsonLineProcess.start<CodexIncoming>({
      command: options.command,
      args: options.args,
      cwd: options.cwd,
      env: options.env,
      inheritEnv: options.inheritEnv,
      schema: codexIncomingSchema,
      name: "codex app-server",
      installHint: INSTALL_HINT,
      onMessage: (message) => (client ? client.#dispatch(message, options.handlers) : early.push(message)),
      onProtocolError: (error) => options.handlers.onProtocolError(error),
      onExit: (exit) => {
        if (client) client.#failPending(exit);
        options.handlers.onExit(exit);
      },
    });
    client = new CodexRpcClient(process, options.requestTimeoutMs);
    for (const message of early) client.#dispatch(message, options.handlers);
    return client;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return !this.#process.exited;
  }

  get pid(): number {
    return this.#process.pid;
  }

  /** Sends a request and resolves with its validated result. */
  request<T>(method: string, params: unknown, options: RpcRequestOptions<T>): Promise<T> {
    if (this.#exitError || !this.alive) return Promise.reject(this.#exitError ?? this.#deadError());
    const id = this.#nextId++;
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        this.#pending.delete(id);
        options.signal?.removeEventListener("abort", onAbort);
      };
      const onAbort = () => {
        cleanup();
        reject(cancelledError(options.signal?.reason));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new ArkyError({
            code: "timeout",
            message: `Codex did not answer ${method} within ${timeoutMs} ms.`,
            details: { provider: "codex", method },
          }),
        );
      }, timeoutMs);
      this.#pending.set(id, {
        method,
        resolve: (message) => {
          cleanup();
          if (message.error) return reject(codexRpcError(method, message.error));
          const parsed = options.schema.safeParse(message.result);
          if (parsed.success) resolve(parsed.data);
          else
            reject(
              new ArkyError({
                code: "protocol",
                message: `Codex answered ${method} with an unexpected shape.`,
                details: {
                  provider: "codex",
                  method,
                  issues: parsed.error.issues.slice(0, 5).map((i) => i.message),
                },
              }),
            );
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
      });
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      this.#process.write({ method, id, params: params ?? {} });
    });
  }

  /** Sends a notification (no answer expected). */
  notify(method: string, params?: unknown): void {
    this.#process.write(params === undefined ? { method } : { method, params });
  }

  /** Answers a server request. */
  respond(id: RpcId, result: unknown): void {
    this.#process.write({ id, result });
  }

  /** Answers a server request with an error. */
  respondError(id: RpcId, code: number, message: string): void {
    this.#process.write({ id, error: { code, message } });
  }

  /** Kills the process group now (tests simulate crashes with this). */
  kill(): void {
    this.#process.kill("SIGKILL");
  }

  /** Ends the process (stdin close, then SIGTERM, then SIGKILL) and waits for it. */
  async close(): Promise<void> {
    await this.#process.close({ graceMs: 1500 });
  }

  #dispatch(message: CodexIncoming, handlers: CodexRpcHandlers): void {
    if (message.method !== undefined) {
      if (message.id !== undefined) handlers.onServerRequest(message.id, message.method, message.params);
      else handlers.onNotification(message.method, message.params);
      return;
    }
    const pending = message.id === undefined ? undefined : this.#pending.get(message.id);
    if (pending) {
      pending.resolve(message);
      return;
    }
    handlers.onProtocolError(
      new ArkyError({
        code: "protocol",
        message: "Codex answered a request that is not pending; the answer was ignored.",
        details: { provider: "codex", id: message.id },
      }),
    );
  }

  #deadError(): ArkyError {
    return new ArkyError({ code: "process-exited", message: "The Codex app server is not running." });
  }

  #failPending(exit: ProcessExit): void {
    this.#exitError = exit.error ?? this.#deadError();
    for (const pending of [...this.#pending.values()]) pending.reject(this.#exitError);
    this.#pending.clear();
  }
}
