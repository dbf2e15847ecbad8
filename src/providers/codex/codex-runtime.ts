import { randomUUID } from "node:crypto";
import { z } from "zod";
import { IdleTimer, idleTimeoutError, type ProcessExit, settlesWithin } from "../../process/index.js";
import {
  type AgentEventBody,
  ArkyError,
  isAbortError,
  newId,
  type ToolResultBlock,
  toArkyError,
} from "../../protocol/index.js";
import {
  type AgentRuntime,
  type ForkCut,
  inputError,
  processExitedError,
  runtimeClosedError,
  type TurnRequest,
  turnRunningError,
} from "../../provider/index.js";
import type { ToolRegistry } from "../../tools/index.js";
import { codexErrorHints, unroutedNotification } from "./codex-errors.js";
import { threadResultSchema, turnStartResultSchema } from "./codex-messages.js";
import {
  assertReasoningEffort,
  type CodexReasoningEffort,
  type CodexRuntimeOptions,
  DEFAULT_CODEX_IDLE_TIMEOUT_MS,
  validateCodexOptions,
} from "./codex-options.js";
import { CodexRpcClient, type RpcId } from "./codex-rpc.js";
import { BRIDGE_SERVER_NAME, type BridgeCall, CodexToolBridge } from "./codex-tool-bridge.js";
import { CodexTurn } from "./codex-turn.js";
import { toCodexInput } from "./convert-codex-input.js";
import { CodexTurnMapper } from "./map-codex-events.js";

interface SessionState {
  threadId?: string;
  /** Generation of the connection the thread is loaded in. */
  generation?: number;
  /** Fork `threadId` into a new thread before the next turn. */
  fork?: boolean;
  model?: string;
  /** Sent on every `turn/start` once set (Codex keeps it for later turns too). */
  effort?: CodexReasoningEffort;
  /** The working directory the thread was last given. */
  cwd?: string;
  bridgeKey: string;
  tools?: ToolRegistry;
  turn?: CodexTurn;
}

const INTERRUPT_WAIT_MS = 5000;
const APPROVAL_METHODS = new Set([
  "item/commandExecution/requestApproval",
  "item/fileChange/requestApproval",
]);

/**
 * Runs Arky turns on the Codex app server (`codex app-server`, JSON-RPC over stdio). One
 * process serves every session of the runtime, one Codex thread per session; it starts
 * on first use and again after it died (threads are then resumed by id). Codex's
 * approval requests go to the turn's guard; Arky tools reach Codex through a loopback
 * MCP bridge and run in the host.
 */
export class CodexRuntime implements AgentRuntime {
  readonly kind = "codex";
  readonly #options: CodexRuntimeOptions;
  readonly #sessions = new Map<string, SessionState>();
  readonly #threads = new Map<string, string>();
  readonly #bridgeKeys = new Map<string, string>();
  #connection: Promise<CodexRpcClient> | undefined;
  #bridge: Promise<CodexToolBridge> | undefined;
  #generation = 0;
  #closed = false;

  constructor(options: CodexRuntimeOptions = {}) {
    validateCodexOptions(options);
    this.#options = options;
  }

  get model(): string | undefined {
    return this.#options.model;
  }

  /** The `cwd` option, when given: the working folder of Agents that name none. */
  get cwd(): string | undefined {
    return this.#options.cwd;
  }

  /** Process id of the running app server, if any (for diagnostics and tests). */
  async pid(): Promise<number | undefined> {
    return (await this.#liveConnection())?.pid;
  }

  async *runTurn(request: TurnRequest): AsyncGenerator<AgentEventBody> {
    const session = this.#session(request.sessionId);
    session.tools = request.tools;
    const cwd = request.cwd ?? this.#options.cwd ?? process.cwd();
    const turn = new CodexTurn(
      request,
      new CodexTurnMapper({
        model: session.model ?? this.#options.model,
        bridgeServer: BRIDGE_SERVER_NAME,
        cwd,
        errorHints: codexErrorHints(this.#options.modelProvider),
      }),
    );
    let connection: CodexRpcClient | undefined;
    let release: (() => void) | undefined;
    let giveUp: Promise<unknown> | undefined;
    const refused = session.turn && !session.turn.finished ? turnRunningError() : inputError(request.input);
    if (refused) turn.abort("error", refused);
    else if (request.signal.aborted) turn.abort("cancelled");
    else {
      session.turn = turn;
      try {
        connection = await this.#connect();
        release = connection.hold();
        await this.#ensureThread(connection, request.sessionId, session, request.tools, cwd);
        const threadId = session.threadId!;
        const params: Record<string, unknown> = { threadId, input: toCodexInput(request.input) };
        if (session.model) params.model = session.model;
        if (session.effort) params.effort = session.effort;
        if (session.cwd !== cwd) params.cwd = cwd;
        const started = await connection.request("turn/start", params, { schema: turnStartResultSchema });
        session.cwd = cwd;
        turn.networkWaitLimit = this.#options.retry?.requestMaxRetries ?? CODEX_REQUEST_RETRIES;
        const live = connection;
        turn.onNetworkGiveUp = () => {
          giveUp = this.#requestInterrupt(live, session, started.turn.id);
        };
        const idleMs = this.#options.idleTimeoutMs ?? DEFAULT_CODEX_IDLE_TIMEOUT_MS;
        turn.idle = new IdleTimer(idleMs, () => {
          // Ended first, so the interrupt's own outcome cannot turn the timeout into a cancel.
          turn.abort("error", idleTimeoutError("the Codex app server", idleMs));
          void this.#requestInterrupt(live, session, started.turn.id);
        });
        turn.setTurnId(started.turn.id);
      } catch (thrown) {
        const error = toArkyError(thrown);
        if (isAbortError(error)) turn.abort("cancelled");
        else turn.abort("error", error);
      }
    }
    const onAbort = () => void this.#interrupt(connection, session, turn);
    if (request.signal.aborted) onAbort();
    else request.signal.addEventListener("abort", onAbort, { once: true });
    try {
      for await (const event of turn.events) yield event;
    } finally {
      request.signal.removeEventListener("abort", onAbort);
      if (!turn.finished) await this.#interrupt(connection, session, turn);
      await giveUp;
      if (session.turn === turn) session.turn = undefined;
      release?.();
    }
  }

  async setModel(sessionId: string, model: string): Promise<void> {
    this.#session(sessionId).model = model;
  }

  /**
   * Sets the reasoning effort of a session's later turns (sent as `effort` on each of its
   * `turn/start`s from the next one on; Codex passes it to the model API as
   * `reasoning.effort`). Throws a `configuration` error for an effort Codex does not know.
   */
  async setReasoningEffort(sessionId: string, effort: CodexReasoningEffort): Promise<void> {
    assertReasoningEffort(effort);
    this.#session(sessionId).effort = effort;
  }

  getState(sessionId: string): Record<string, unknown> | undefined {
    const threadId = this.#sessions.get(sessionId)?.threadId;
    return threadId ? { threadId } : undefined;
  }

  async restoreState(
    sessionId: string,
    state: Record<string, unknown>,
    options: { fork: boolean; cut?: ForkCut },
  ): Promise<void> {
    if (typeof state.threadId !== "string" || state.threadId === "")
      throw new ArkyError({ code: "configuration", message: "The stored Codex state has no thread id." });
    const { cut } = options;
    // `thread/fork` copies a whole thread: a fork that keeps no turn starts a new thread.
    if (cut && (cut.midTurn || cut.lastTurnId !== undefined))
      throw new ArkyError({
        code: "capability-unsupported",
        message: "Codex cannot fork a thread at a point: it forks the whole thread.",
        correction: "Fork at the end of the session (omit atSeq), or before its first turn (atSeq 0).",
      });
    const session = this.#session(sessionId);
    session.threadId = cut ? undefined : state.threadId;
    session.generation = undefined;
    session.fork = cut ? false : options.fork;
  }

  async closeSession(sessionId: string): Promise<void> {
    const session = this.#sessions.get(sessionId);
    if (!session) return;
    if (session.turn && !session.turn.finished)
      await this.#interrupt(await this.#liveConnection(), session, session.turn);
    this.#sessions.delete(sessionId);
    this.#bridgeKeys.delete(session.bridgeKey);
    if (session.threadId) this.#threads.delete(session.threadId);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const connection = await this.#liveConnection();
    for (const session of this.#sessions.values())
      if (session.turn && !session.turn.finished) session.turn.abort("cancelled");
    await connection?.close();
    // A bridge that failed to start has nothing to close.
    await (await this.#bridge?.catch(() => undefined))?.close();
  }

  #session(sessionId: string): SessionState {
    let session = this.#sessions.get(sessionId);
    if (!session) {
      session = { bridgeKey: randomUUID() };
      this.#sessions.set(sessionId, session);
      this.#bridgeKeys.set(session.bridgeKey, sessionId);
    }
    return session;
  }

  async #liveConnection(): Promise<CodexRpcClient | undefined> {
    // A connection that failed to open is not live; its turn already reported why.
    const connection = await this.#connection?.catch(() => undefined);
    return connection?.alive ? connection : undefined;
  }

  async #connect(): Promise<CodexRpcClient> {
    if (this.#closed) throw runtimeClosedError("Codex");
    const current = this.#connection;
    // A failed opening is not reused: a new process is started below.
    const live = await current?.catch(() => undefined);
    if (live?.alive) return live;
    // Concurrent first turns all wait here; only the first to get on starts a process.
    if (this.#closed || this.#connection !== current) return this.#connect();
    const opening = this.#open();
    this.#connection = opening;
    // Only forgets a failed opening; the turns awaiting `opening` get its error.
    opening.catch(() => {
      if (this.#connection === opening) this.#connection = undefined;
    });
    return opening;
  }

  async #open(): Promise<CodexRpcClient> {
    this.#bridge ??= CodexToolBridge.start({
      listTools: (key) => {
        const sessionId = this.#bridgeKeys.get(key);
        return sessionId === undefined ? undefined : (this.#sessions.get(sessionId)?.tools?.list() ?? []);
      },
      callTool: (call) => this.#bridgeCall(call),
    });
    await this.#bridge;
    const generation = ++this.#generation;
    return CodexRpcClient.open(this.#options, generation, {
      onNotification: (method, params) => {
        const turn = this.#route(params);
        if (turn) turn.notify(method, params);
        else {
          const error = unroutedNotification(method, params);
          if (error) for (const session of this.#sessions.values()) session.turn?.protocolError(error);
        }
      },
      onServerRequest: (id, method, params, connection) =>
        void this.#serverRequest(connection, id, method, params),
      onProtocolError: (error) => {
        for (const session of this.#sessions.values()) session.turn?.protocolError(error);
      },
      onExit: (exit: ProcessExit) => {
        const error = processExitedError("codex app-server", exit);
        for (const session of this.#sessions.values())
          if (session.generation === generation && session.turn && !session.turn.finished)
            session.turn.abort("error", error);
      },
    });
  }

  async #ensureThread(
    connection: CodexRpcClient,
    sessionId: string,
    session: SessionState,
    tools: ToolRegistry,
    cwd: string,
  ) {
    const bridge = await this.#bridge!;
    const params: Record<string, unknown> = {
      cwd,
      approvalPolicy: this.#options.approvalPolicy ?? "untrusted",
      sandbox: this.#options.sandboxMode ?? "workspace-write",
    };
    if (session.model ?? this.#options.model) params.model = session.model ?? this.#options.model;
    if (tools.list().length > 0) params.config = { mcp_servers: bridge.threadConfig(session.bridgeKey) };
    let method: string | undefined;
    if (!session.threadId) method = "thread/start";
    else if (session.fork) method = "thread/fork";
    else if (session.generation !== connection.generation) method = "thread/resume";
    if (!method) return;
    if (session.threadId) params.threadId = session.threadId;
    const result = await connection.request(method, params, { schema: threadResultSchema });
    // A fork starts from its parent's thread id, which stays routed to the parent.
    if (session.threadId && this.#threads.get(session.threadId) === sessionId)
      this.#threads.delete(session.threadId);
    session.threadId = result.thread.id;
    session.generation = connection.generation;
    session.fork = false;
    session.cwd = cwd;
    session.model ??= result.model;
    this.#threads.set(result.thread.id, sessionId);
  }

  #route(params: unknown): CodexTurn | undefined {
    const threadId = (params as { threadId?: unknown } | null)?.threadId;
    const sessionId = typeof threadId === "string" ? this.#threads.get(threadId) : undefined;
    const turn = sessionId === undefined ? undefined : this.#sessions.get(sessionId)?.turn;
    return turn && !turn.finished ? turn : undefined;
  }

  async #serverRequest(
    connection: CodexRpcClient,
    id: RpcId,
    method: string,
    params: unknown,
  ): Promise<void> {
    if (!APPROVAL_METHODS.has(method)) {
      // Features Arky does not drive (user input, elicitation, auth refresh): refuse so Codex moves on.
      connection.respondError(id, -32601, `Arky does not handle ${method}.`);
      return;
    }
    const turn = this.#route(params);
    const decision = turn ? await turn.approve(method, params) : "decline";
    connection.respond(id, { decision });
  }

  async #bridgeCall(call: BridgeCall): Promise<ToolResultBlock | undefined> {
    const sessionId = this.#bridgeKeys.get(call.sessionKey);
    const turn = sessionId === undefined ? undefined : this.#sessions.get(sessionId)?.turn;
    return turn && !turn.finished ? turn.callTool(call, call.callId ?? newId("toolu")) : undefined;
  }

  /** Asks Codex to stop a turn Arky already ended (best effort: a silent server may not answer). */
  async #requestInterrupt(connection: CodexRpcClient, session: SessionState, turnId: string): Promise<void> {
    if (!connection.alive || !session.threadId) return;
    await connection
      .request(
        "turn/interrupt",
        { threadId: session.threadId, turnId },
        { schema: emptyResult, timeoutMs: INTERRUPT_WAIT_MS },
      )
      .catch(() => undefined); // silent or gone: the turn has ended either way
  }

  async #interrupt(
    connection: CodexRpcClient | undefined,
    session: SessionState,
    turn: CodexTurn,
  ): Promise<void> {
    if (turn.finished) return;
    if (connection?.alive && session.threadId && turn.turnId) {
      try {
        await connection.request(
          "turn/interrupt",
          { threadId: session.threadId, turnId: turn.turnId },
          { schema: emptyResult, timeoutMs: INTERRUPT_WAIT_MS },
        );
        await settlesWithin(turn.done, INTERRUPT_WAIT_MS);
      } catch {
        // The turn already ended or the process is gone; it is closed as cancelled below.
      }
    }
    if (!turn.finished) turn.abort("cancelled");
  }
}

const emptyResult = z.object({}).loose();
/** Codex's own default of `request_max_retries`. */
const CODEX_REQUEST_RETRIES = 4;

/** Creates a {@link CodexRuntime}. */
export function codex(options: CodexRuntimeOptions = {}): CodexRuntime {
  return new CodexRuntime(options);
}
