import type { ProcessExit } from "../../process/index.js";
import type { ArkyError } from "../../protocol/index.js";
import { processExitedError } from "../../provider/index.js";
import { initializeResultSchema } from "./codex-messages.js";
import { type CodexLaunch, type CodexRuntimeOptions, codexLaunch } from "./codex-options.js";
import { CodexRpcClient, type RpcId } from "./codex-rpc.js";

/** Notifications nobody in Arky reads; Codex stops sending them when asked. */
const OPTED_OUT = ["remoteControl/status/changed", "account/rateLimits/updated", "thread/goal/cleared"];

/** What a connection reports to the runtime. */
export interface CodexConnectionHandlers {
  onNotification(method: string, params: unknown): void;
  onServerRequest(connection: CodexConnection, id: RpcId, method: string, params: unknown): void;
  onProtocolError(error: ArkyError): void;
  onExit(connection: CodexConnection, error: ArkyError): void;
}

/**
 * One initialized `codex app-server` process. Threads loaded in it are tracked by the
 * runtime with the connection's `generation`, so a restarted process resumes them.
 */
export class CodexConnection {
  readonly generation: number;
  readonly rpc: CodexRpcClient;
  #dead = false;

  private constructor(generation: number, rpc: CodexRpcClient) {
    this.generation = generation;
    this.rpc = rpc;
  }

  get dead(): boolean {
    return this.#dead || !this.rpc.alive;
  }

  /** Spawns and initializes the app server. */
  static async open(
    options: CodexRuntimeOptions,
    bridgeToken: string,
    generation: number,
    handlers: CodexConnectionHandlers,
  ): Promise<CodexConnection> {
    const launch: CodexLaunch = codexLaunch(options, bridgeToken);
    let connection: CodexConnection | undefined;
    const rpc = await CodexRpcClient.start({
      ...launch,
      requestTimeoutMs: options.requestTimeoutMs ?? 60_000,
      handlers: {
        onNotification: handlers.onNotification,
        onServerRequest: (id, method, params) => {
          if (connection) handlers.onServerRequest(connection, id, method, params);
        },
        onProtocolError: handlers.onProtocolError,
        onExit: (exit: ProcessExit) => {
          if (!connection) return;
          connection.#dead = true;
          handlers.onExit(connection, processExitedError("codex app-server", exit));
        },
      },
    });
    connection = new CodexConnection(generation, rpc);
    try {
      await rpc.request(
        "initialize",
        {
          clientInfo: { name: "arky", title: "Arky", version: "0.1.0" },
          capabilities: { experimentalApi: false, optOutNotificationMethods: OPTED_OUT },
        },
        { schema: initializeResultSchema },
      );
      rpc.notify("initialized");
    } catch (error) {
      await rpc.close();
      throw error;
    }
    return connection;
  }

  /**
   * Ends the process and anything it started that outlived it: the npm `codex` launcher
   * starts the real binary in its own session, which the process-group teardown sweeps.
   */
  async close(): Promise<void> {
    this.#dead = true;
    await this.rpc.close();
  }
}
