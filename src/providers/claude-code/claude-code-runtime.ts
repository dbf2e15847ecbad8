import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { buildChildEnv, IdleTimer, idleTimeoutError, settlesWithin } from "../../process/index.js";
import { ArkyError, toArkyError } from "../../protocol/index.js";
import {
  type AgentRuntime,
  type ForkCut,
  failedTurnEnd,
  inputError,
  runtimeClosedError,
  type TurnRequest,
  turnRunningError,
} from "../../provider/index.js";
import { ToolRegistry } from "../../tools/index.js";
import { buildClaudeArgs, buildClaudeEnv, type SpawnPlan } from "./claude-code-args.js";
import { KeyFile } from "./claude-code-credentials.js";
import { claudeCodeHints } from "./claude-code-errors.js";
import {
  type ClaudeCodeOptions,
  DEFAULT_CLAUDE_IDLE_TIMEOUT_MS,
  DEFAULT_CLAUDE_INHERITED_ENV,
} from "./claude-code-options.js";
import { type PrewarmOptions, ProcessPool } from "./claude-code-pool.js";
import { ClaudeCodeProcess, type ClaudeCodeProcessListener } from "./claude-code-process.js";
import { ClaudeCodeSession, idleListener } from "./claude-code-session.js";
import { ClaudeCodeTurn } from "./claude-code-turn.js";
import { toCliUserContent } from "./convert-claude-code-content.js";
import {
  initializeRequest,
  type ProcessNeeds,
  processNeeds,
  satisfies,
  unparkedManifests,
} from "./process-needs.js";
import { type ClaudeCodeState, resumePoint, stateSchema } from "./resume-point.js";
import type { ClaudeEventBody } from "./tool-call-tracker.js";
import { claudeConfigRoot, readTranscript, restoreTranscript } from "./transcript.js";

export type { ClaudeCodeState };

/**
 * Runs turns on the Claude Code CLI: one long-lived `claude` process per session in
 * stream-json mode, multi-turn over stdin. Arky's tools are bridged in as an SDK MCP
 * server, and every tool call (the CLI's own included) goes through the turn's guard.
 */
export class ClaudeCodeRuntime implements AgentRuntime {
  readonly kind = "claude-code";
  readonly #options: ClaudeCodeOptions;
  readonly #sessions = new Map<string, ClaudeCodeSession>();
  readonly #pool = new ProcessPool();
  /** What each running process was started with (its `initialize`). */
  readonly #started = new WeakMap<ClaudeCodeProcess, ProcessNeeds>();
  /** The folder each running process was started in. */
  readonly #folders = new WeakMap<ClaudeCodeProcess, string>();
  readonly #cwd: string;
  readonly #graceMs: number;
  readonly #keyFile = new KeyFile();
  #closed = false;

  constructor(options: ClaudeCodeOptions = {}) {
    buildClaudeArgs(options); // validates the options before any work
    buildClaudeEnv(options);
    this.#options = options;
    this.#cwd = resolve(options.cwd ?? process.cwd());
    this.#graceMs = options.graceMs ?? 2000;
  }

  get model(): string | undefined {
    return this.#options.model;
  }

  /** The `cwd` option, when given: the working folder of Agents that name none. */
  get cwd(): string | undefined {
    return this.#options.cwd === undefined ? undefined : this.#cwd;
  }

  /** Idle, initialized processes waiting for a session. */
  get idleProcesses(): number {
    return this.#pool.size;
  }

  /** PIDs of every CLI process this runtime has running (sessions and pool). */
  get pids(): number[] {
    const out = this.#pool.pids();
    for (const session of this.#sessions.values()) if (session.process?.alive) out.push(session.process.pid);
    return out;
  }

  /** The PID of a session's CLI process, when one is running. */
  pidOf(sessionId: string): number | undefined {
    const process = this.#sessions.get(sessionId)?.process;
    return process?.alive ? process.pid : undefined;
  }

  async *runTurn(request: TurnRequest): AsyncGenerator<ClaudeEventBody> {
    const session = this.#session(request.sessionId);
    const refused = session.turn && !session.turn.finished ? turnRunningError() : inputError(request.input);
    if (refused) {
      session.turnEntries.push({ turnId: request.turnId, uuid: session.lastEntry ?? null });
      yield* failedTurnEnd(refused);
      return;
    }
    const turn = new ClaudeCodeTurn(request, {
      previousCostUsd: session.processCostUsd,
      stderrTail: () => session.process?.stderrTail() ?? "",
      hints: claudeCodeHints(this.#options.backend),
      initialized: () => session.process?.initialized === true,
      onResult: (line) => {
        if (typeof line.total_cost_usd === "number") session.processCostUsd = line.total_cost_usd;
      },
    });
    session.turn = turn;
    session.tools = request.tools;
    const onAbort = () => void this.#cancel(session, turn);
    let release: (() => void) | undefined;
    try {
      if (this.#closed) throw runtimeClosedError("Claude Code");
      request.signal.throwIfAborted();
      const needs = processNeeds({
        tools: request.tools,
        hook: request.guarded,
        agents: this.#options.agents,
      });
      const cwd = request.cwd === undefined ? this.#cwd : resolve(request.cwd);
      const process = await this.#ensureProcess(session, needs, cwd);
      release = process.hold();
      request.signal.throwIfAborted();
      request.signal.addEventListener("abort", onAbort, { once: true });
      if (!process.sendUser(toCliUserContent(request.input)))
        throw new ArkyError({
          code: "process-exited",
          message: "The claude process exited before the turn began.",
        });
      const idleMs = this.#options.idleTimeoutMs ?? DEFAULT_CLAUDE_IDLE_TIMEOUT_MS;
      turn.idle = new IdleTimer(idleMs, () => void this.#timeOut(session, turn, idleMs));
    } catch (error) {
      turn.fail(toArkyError(error));
    }
    try {
      for await (const body of turn.queue) yield body;
    } finally {
      request.signal.removeEventListener("abort", onAbort);
      if (!turn.finished) await this.#cancel(session, turn);
      if (session.turn === turn) session.turn = undefined;
      session.turnEntries.push({ turnId: request.turnId, uuid: session.lastEntry ?? null });
      release?.();
      await this.#keepTranscript(session);
    }
  }

  /**
   * Starts idle CLI processes (initialized, no session yet) until `count` with these
   * options are waiting. A new session claims one when its tools (and guard) match.
   */
  async prewarm(count: number, options: PrewarmOptions = {}): Promise<void> {
    const registry = new ToolRegistry(options.tools ?? []);
    const needs = processNeeds({
      tools: registry,
      hook: options.guarded !== false,
      agents: this.#options.agents,
    });
    const missing = Math.max(0, count - this.#pool.countLike(needs));
    await Promise.all(Array.from({ length: missing }, () => this.#startIdle(registry, needs)));
  }

  async setModel(sessionId: string, model: string): Promise<void> {
    const session = this.#session(sessionId);
    session.model = model;
    if (session.process?.alive) await session.process.request({ subtype: "set_model", model });
  }

  /** Forwards a mode to the CLI; Arky's `bypass` is the CLI's `bypassPermissions`. */
  async setPermissionMode(sessionId: string, requested: string): Promise<void> {
    const mode = requested === "bypass" ? "bypassPermissions" : requested;
    const session = this.#session(sessionId);
    if (session.process?.alive) await session.process.request({ subtype: "set_permission_mode", mode });
    session.permissionMode = mode;
  }

  getState(sessionId: string): ClaudeCodeState | undefined {
    const session = this.#sessions.get(sessionId);
    const id = session?.claudeSessionId ?? session?.pendingResume?.claudeSessionId;
    if (!session || !id) return undefined;
    const transcript = session.transcript ?? session.pendingResume?.transcript;
    const turns = session.turnEntries.length > 0 ? { turns: session.turnEntries } : {};
    return transcript === undefined
      ? { claudeSessionId: id, ...turns }
      : { claudeSessionId: id, transcript, ...turns };
  }

  async restoreState(
    sessionId: string,
    state: Record<string, unknown>,
    options: { fork: boolean; cut?: ForkCut },
  ): Promise<void> {
    const parsed = stateSchema.safeParse(state);
    if (!parsed.success)
      throw new ArkyError({
        code: "invalid-request",
        message: "The stored Claude Code session state is not valid; it cannot be resumed.",
        details: { issues: parsed.error.issues.map((i) => i.message) },
      });
    const { turns = [], ...resume } = parsed.data;
    const point = options.cut ? resumePoint(turns, options.cut) : { turns };
    const session = this.#session(sessionId);
    if (session.process) await session.process.close({ graceMs: this.#graceMs });
    session.claudeSessionId = undefined;
    session.restored = true;
    session.turnEntries = point.turns;
    session.lastEntry = point.turns.findLast((t) => t.uuid !== null)?.uuid ?? undefined;
    // A fork that keeps no CLI message starts a new CLI conversation.
    const fresh = options.cut !== undefined && point.at === undefined;
    session.pendingResume = fresh
      ? undefined
      : { ...resume, fork: options.fork, ...(point.at ? { at: point.at } : {}) };
    session.transcript = fresh ? undefined : resume.transcript;
  }

  async closeSession(sessionId: string): Promise<void> {
    const session = this.#sessions.get(sessionId);
    if (!session) return;
    const busy = session.turn !== undefined && !session.turn.finished;
    session.turn?.cancelNow();
    await session.process?.close({ graceMs: this.#graceMs, interrupt: busy });
    session.process = undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pool = this.#pool.drain();
    await Promise.all([
      ...[...this.#sessions.keys()].map((id) => this.closeSession(id)),
      ...pool.map((p) => p.process.close({ graceMs: this.#graceMs })),
    ]);
    this.#keyFile.dispose();
  }

  #session(sessionId: string): ClaudeCodeSession {
    let session = this.#sessions.get(sessionId);
    if (!session) {
      session = new ClaudeCodeSession(this.#options.onDebug);
      this.#sessions.set(sessionId, session);
    }
    return session;
  }

  /** The session's process, started in `cwd` (the Agent's working folder) with what `needs` says. */
  async #ensureProcess(
    session: ClaudeCodeSession,
    needs: ProcessNeeds,
    cwd: string,
  ): Promise<ClaudeCodeProcess> {
    if (session.process?.alive) {
      const started = this.#started.get(session.process);
      const here = this.#folders.get(session.process) === cwd;
      if (started && here && satisfies(started, needs)) return session.process;
      // The CLI learns tools and hooks only at start: a new process resumes the conversation.
      await this.#retire(session);
    }
    const pending = session.pendingResume;
    // After a crash, a new process picks the conversation up where the CLI saved it.
    const resume =
      pending ??
      (session.claudeSessionId ? { claudeSessionId: session.claudeSessionId, fork: false } : undefined);
    // Only a session's first process continues; once the CLI named the session, it resumes.
    const continues = !resume && !session.restored && this.#options.continue === true;
    const plain =
      !resume &&
      !continues &&
      session.model === undefined &&
      session.permissionMode === undefined &&
      cwd === this.#cwd;
    const pooled = plain ? this.#pool.claim((have) => satisfies(have, needs)) : undefined;
    if (pooled) {
      session.attach(pooled.process);
      return pooled.process;
    }
    if (resume && pending?.transcript !== undefined)
      await restoreTranscript(this.#configRoot(), cwd, resume.claudeSessionId, pending.transcript);
    const plan: SpawnPlan = {
      resume,
      continue: continues,
      model: session.model,
      permissionMode: session.permissionMode,
    };
    const process = await this.#spawn(plan, session, cwd);
    session.pendingResume = undefined;
    session.attach(process);
    this.#started.set(process, needs);
    // Not awaited: the prompt may follow `initialize` at once (the CLI reads them in order).
    const init = initializeRequest(needs);
    if (init)
      process
        .request(init)
        .then((response) => this.#noteInitialized(needs, response))
        // Only a debug note needs the answer; a CLI that cannot start shows it in the turn.
        .catch(() => undefined);
    return process;
  }

  async #startIdle(registry: ToolRegistry, needs: ProcessNeeds): Promise<void> {
    const process = await this.#spawn({}, idleListener(registry), this.#cwd);
    try {
      // Always answered once the CLI is up: the readiness signal, even with nothing to register.
      const init = initializeRequest(needs, true)!;
      this.#noteInitialized(needs, await process.request(init));
    } catch (error) {
      await process.close({ graceMs: this.#graceMs });
      throw error;
    }
    this.#started.set(process, needs);
    if (this.#closed) await process.close({ graceMs: this.#graceMs });
    else this.#pool.add({ process, needs });
  }

  /** Ends a session's process between turns, out of the session's sight (no turn sees its exit). */
  async #retire(session: ClaudeCodeSession): Promise<void> {
    const process = session.process;
    if (!process) return;
    session.process = undefined;
    process.listener = idleListener(undefined);
    await process.close({ graceMs: this.#graceMs });
  }

  #noteInitialized(needs: ProcessNeeds, response: unknown): void {
    const note = unparkedManifests(needs, response);
    if (note) this.#options.onDebug?.(note, response);
  }

  async #spawn(
    plan: SpawnPlan,
    listener: ClaudeCodeProcessListener,
    cwd: string,
  ): Promise<ClaudeCodeProcess> {
    const options = this.#options;
    if (options.configDir) mkdirSync(`${options.configDir}/tmp`, { recursive: true, mode: 0o700 });
    const inheritEnv = options.inheritEnv ?? DEFAULT_CLAUDE_INHERITED_ENV;
    // A caller's own `--settings` would be replaced by the key helper's: the key then stays in the environment.
    const credentials = options.executableArgs?.includes("--settings")
      ? { env: buildClaudeEnv(options), args: [] }
      : this.#keyFile.launch(buildClaudeEnv(options), inheritEnv);
    const launch = {
      command: options.executable ?? "claude",
      args: [...buildClaudeArgs(options, plan), ...credentials.args],
      cwd,
      env: credentials.env,
      inheritEnv,
      maxLineBytes: options.maxLineBytes,
    };
    const process = await ClaudeCodeProcess.start(launch, listener);
    this.#folders.set(process, cwd);
    return process;
  }

  async #cancel(session: ClaudeCodeSession, turn: ClaudeCodeTurn): Promise<void> {
    if (turn.finished) return;
    if (!turn.interrupted) {
      turn.interrupted = true;
      if (!session.process?.alive) {
        turn.cancelNow();
        return;
      }
      // A refused interrupt needs no handling: without the turn's result in time, the CLI is torn down.
      session.process.interrupt().catch(() => undefined);
    }
    if (await settlesWithin(turn.done, this.#graceMs * 2)) return;
    await session.process?.close({ graceMs: this.#graceMs });
    turn.cancelNow();
  }

  /** A CLI silent for `idleTimeoutMs`: the turn ends with `timeout`, the process is stopped. */
  async #timeOut(session: ClaudeCodeSession, turn: ClaudeCodeTurn, idleMs: number): Promise<void> {
    if (turn.finished) return;
    turn.fail(idleTimeoutError("claude", idleMs));
    await session.process?.close({ graceMs: this.#graceMs });
  }

  async #keepTranscript(session: ClaudeCodeSession): Promise<void> {
    if (this.#options.keepTranscript === false || !session.claudeSessionId) return;
    const transcript = await readTranscript(this.#configRoot(), session.claudeSessionId);
    if (transcript !== undefined) session.transcript = transcript;
  }

  #configRoot(): string {
    return claudeConfigRoot(this.#options.configDir, buildChildEnv({ env: buildClaudeEnv(this.#options) }));
  }
}

/** Creates a {@link ClaudeCodeRuntime}. */
export function claudeCode(options: ClaudeCodeOptions = {}): ClaudeCodeRuntime {
  return new ClaudeCodeRuntime(options);
}
