import type { HookChain } from "../hooks/index.js";
import type { ToolCallGuard } from "../permissions/index.js";
import {
  type AgentEvent,
  type AgentEventBody,
  type AgentEventBodyOf,
  ArkyError,
  addUsage,
  emptyUsage,
  type Message,
  newId,
  newSessionId,
  textOf,
  toArkyError,
  toUserMessage,
  type UserMessage,
} from "../protocol/index.js";
import type { AgentRuntime } from "../provider/index.js";
import { ConversationBuilder, InMemorySessionStore, type SessionStore } from "../session/index.js";
import { ToolRegistry } from "../tools/index.js";
import {
  buildGuard,
  failedTurnEnd,
  loadSession,
  type Restored,
  type TurnState,
  turnOutcome,
  unsupported,
} from "./agent-support.js";
import type {
  AgentEventListener,
  AgentInput,
  AgentOptions,
  AgentResult,
  TurnOptions,
} from "./agent-types.js";
import { SessionWriter } from "./session-writer.js";

/**
 * The user's agent: one session, run by any runtime. Owns the tools, the guard, the
 * session store and the event fan-out; the runtime only runs turns.
 *
 * @example
 * const agent = new Agent({ runtime: native(anthropic({ model: "claude-sonnet-5-5" })), tools: [add] });
 * const { text } = await agent.prompt("What is 2 + 3?");
 * for await (const event of agent.stream("And times 4?")) console.log(event.type);
 */
export class Agent {
  readonly sessionId: string;
  readonly runtime: AgentRuntime;
  readonly tools: ToolRegistry;
  readonly store: SessionStore;
  readonly #guard: ToolCallGuard;
  readonly #hooks: HookChain | undefined;
  #sessionContext: string | undefined;
  readonly #options: AgentOptions;
  readonly #writer: SessionWriter;
  readonly #listeners = new Set<AgentEventListener>();
  #conversation: ConversationBuilder;
  #seq: number;
  #created: boolean;
  #pendingRestore: Restored | undefined;
  #running = false;
  #closed = false;
  #usage = emptyUsage();
  #costUsd: number | undefined = 0;

  constructor(options: AgentOptions, restored?: Restored) {
    if (typeof options?.runtime?.runTurn !== "function") {
      throw new ArkyError({
        code: "configuration",
        message: "An Agent needs a runtime.",
        correction:
          "Pass `runtime`, e.g. new Agent({ runtime: native(anthropic({ model: 'claude-sonnet-5-5' })) }).",
      });
    }
    this.#options = options;
    this.runtime = options.runtime;
    this.tools =
      options.tools instanceof ToolRegistry ? options.tools : new ToolRegistry(options.tools ?? []);
    this.store = options.store ?? new InMemorySessionStore();
    this.sessionId = options.sessionId ?? newSessionId();
    const built = buildGuard(options, this.sessionId);
    this.#guard = built.guard;
    this.#hooks = built.hooks;
    this.#writer = new SessionWriter(this.store, this.sessionId);
    this.#conversation = restored?.conversation ?? new ConversationBuilder();
    this.#seq = restored?.lastSeq ?? 0;
    this.#created = restored !== undefined;
    this.#pendingRestore = restored;
  }

  /**
   * Opens a stored session to continue it: rebuilds the conversation from its events and
   * hands the runtime its saved resume state. Throws `session-not-found` for an unknown id.
   */
  static async resume(sessionId: string, options: Omit<AgentOptions, "sessionId">): Promise<Agent> {
    return Agent.#open(sessionId, options, false);
  }

  /**
   * Forks a stored session at `atSeq` (default: its end) into a new session linked to its
   * parent, and opens the fork.
   */
  static async fork(
    sessionId: string,
    options: Omit<AgentOptions, "sessionId"> & { atSeq?: number; newSessionId?: string },
  ): Promise<Agent> {
    const store = options.store ?? new InMemorySessionStore();
    const forked = await store.fork(sessionId, { atSeq: options.atSeq, newSessionId: options.newSessionId });
    return Agent.#open(forked.sessionId, { ...options, store }, true);
  }

  static async #open(
    sessionId: string,
    options: Omit<AgentOptions, "sessionId">,
    fork: boolean,
  ): Promise<Agent> {
    const store = options.store ?? new InMemorySessionStore();
    const restored = await loadSession(store, sessionId, fork);
    const agent = new Agent({ ...options, store, sessionId }, restored);
    agent.#usage = restored.meta.usage;
    agent.#costUsd = restored.meta.costUsd;
    return agent;
  }

  /** The conversation so far. */
  get messages(): Message[] {
    return this.#conversation.build().slice();
  }

  /** Token usage of the whole session. */
  get usage() {
    return this.#usage;
  }

  /** Cost of the whole session in USD (undefined when some model's price was unknown). */
  get costUsd(): number | undefined {
    return this.#costUsd;
  }

  /** Listens to every event of every turn; returns the unsubscribe function. */
  subscribe(listener: AgentEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Runs one turn and resolves with its result. Rejects with the turn's `ArkyError` when
   * it failed or was cancelled (`max-turns` and other stop reasons resolve normally).
   */
  async prompt(input: AgentInput, options: TurnOptions = {}): Promise<AgentResult> {
    const before = this.#conversation.build().length;
    let end: Extract<AgentEvent, { type: "turn-end" }> | undefined;
    for await (const event of this.stream(input, options)) if (event.type === "turn-end") end = event;
    if (!end) throw new ArkyError({ code: "cancelled", message: "The turn ended without a result." });
    const { result, error } = turnOutcome(end, this.#conversation.build().slice(before));
    if (error) throw error;
    return result;
  }

  /**
   * Runs one turn and streams its events. Leaving the `for await` early cancels the
   * turn. Throws (before any event) when the agent is closed or a turn is running. When an
   * `onStop` hook blocks the stop, a follow-up turn whose input is the hook's reason runs
   * in the same stream (each turn still ends with its own `turn-end`).
   */
  async *stream(input: AgentInput, options: TurnOptions = {}): AsyncGenerator<AgentEvent, void, undefined> {
    if (this.#closed) throw new ArkyError({ code: "configuration", message: "This agent is closed." });
    if (this.#running) {
      throw new ArkyError({
        code: "configuration",
        message: "A turn is already running on this agent.",
        correction: "Wait for the running turn to end, or cancel it, before starting another.",
      });
    }
    this.#running = true;
    const controller = new AbortController();
    const outer = options.signal;
    const onAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener("abort", onAbort, { once: true });
    const state: TurnState = { turnId: undefined, ended: true };
    try {
      yield* this.#prepare(controller.signal);
      let next: UserMessage | undefined = toUserMessage(input);
      while (next) next = yield* this.#turn(next, controller, state);
    } finally {
      outer?.removeEventListener("abort", onAbort);
      if (!state.ended) {
        // The consumer left early: stop the work and record how the turn ended.
        controller.abort(new DOMException("The consumer stopped reading the stream.", "AbortError"));
        const end = failedTurnEnd(toArkyError(controller.signal.reason))[0]!;
        await this.#emit(end, state.turnId).catch(() => undefined);
      }
      await this.#writer.flush().catch(() => undefined);
      await this.#saveRuntimeState();
      this.#running = false;
    }
  }

  /** One turn: prompt hooks, the runtime's events, stop hooks. Returns a follow-up prompt, if any. */
  async *#turn(
    prompt: UserMessage,
    controller: AbortController,
    state: TurnState,
  ): AsyncGenerator<AgentEvent, UserMessage | undefined> {
    const turnId = newId("turn");
    state.turnId = turnId;
    state.ended = false;
    const signal = controller.signal;
    const hooks = this.#hooks;
    const submitted = hooks?.has("userPromptSubmit")
      ? await hooks.userPromptSubmit({ sessionId: this.sessionId, prompt, signal })
      : undefined;
    let input = submitted?.decision === "continue" ? submitted.prompt : prompt;
    if (this.#sessionContext) {
      input = { ...input, content: [...input.content, { type: "text", text: this.#sessionContext }] };
      this.#sessionContext = undefined;
    }
    const history = this.#conversation.build().slice();
    yield await this.#emit({ type: "turn-start", input }, turnId);
    for (const event of submitted?.events ?? []) yield await this.#emit(event, turnId);
    if (submitted?.decision === "block") {
      const error = new ArkyError({
        code: "hook",
        message: `The prompt was blocked by a hook: ${submitted.reason}`,
      });
      state.ended = true;
      for (const body of failedTurnEnd(error)) yield await this.#emit(body, turnId);
      return undefined;
    }

    let heldEnd: AgentEventBodyOf<"turn-end"> | undefined;
    try {
      const turn = this.runtime.runTurn({
        sessionId: this.sessionId,
        turnId,
        input,
        history,
        tools: this.tools,
        guard: this.#guard,
        signal,
      });
      for await (const body of turn) {
        if (body.type === "turn-end") {
          heldEnd = body;
          break;
        }
        const event = this.#stamp(body, turnId);
        const committing = this.#writer.write(event);
        if (committing) await committing;
        this.#notify(event);
        yield event;
      }
      if (!heldEnd) {
        throw new ArkyError({
          code: "protocol",
          message: `The ${this.runtime.kind} runtime ended a turn without turn-end.`,
        });
      }
    } catch (thrown) {
      // A runtime or store broke its contract; end the turn cleanly rather than leave it open.
      const error = toArkyError(thrown);
      controller.abort(error);
      state.ended = true;
      for (const body of failedTurnEnd(error))
        yield await this.#emit(body, turnId, { store: error.code !== "store" });
      return undefined;
    }

    let followUp: UserMessage | undefined;
    if (hooks?.has("onStop") && !heldEnd.error && !signal.aborted) {
      const last = this.#conversation.messages.findLast((m) => m.role === "assistant");
      const stop = await hooks.onStop({
        sessionId: this.sessionId,
        signal,
        lastAssistantText: last ? textOf(last) : undefined,
      });
      for (const event of stop.events) yield await this.#emit(event, turnId);
      if (stop.decision === "continue") followUp = toUserMessage(stop.reason ?? "Continue.");
    }
    state.ended = true;
    yield await this.#emit(heldEnd, turnId);
    return followUp;
  }

  /** Re-emits the stored events of this session (deltas included unless `excludeDeltas`). */
  replay(options: { excludeDeltas?: boolean; afterSeq?: number } = {}): AsyncIterable<AgentEvent> {
    return this.store.read(this.sessionId, options);
  }

  /** Switches the model for later turns. Throws `capability-unsupported` when the runtime cannot. */
  async setModel(model: string): Promise<void> {
    if (!this.runtime.setModel) throw unsupported(this.runtime, "setModel");
    await this.runtime.setModel(this.sessionId, model);
  }

  /** Changes the permission mode for later tool calls. */
  async setPermissionMode(mode: string): Promise<void> {
    const guard = this.#guard as ToolCallGuard & { setMode?: (mode: string) => void };
    if (!guard.setMode && !this.runtime.setPermissionMode)
      throw unsupported(this.runtime, "setPermissionMode");
    guard.setMode?.(mode);
    await this.runtime.setPermissionMode?.(this.sessionId, mode);
  }

  /** Ends the session: records `session-end` and releases the runtime's session resources. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#created) {
      if (this.#hooks?.has("sessionEnd")) {
        const ended = await this.#hooks.sessionEnd({
          sessionId: this.sessionId,
          signal: AbortSignal.timeout(60_000),
          reason: "closed",
        });
        for (const event of ended.events) await this.#emit(event, undefined).catch(() => undefined);
      }
      await this.#emit({ type: "session-end", reason: "closed" }, undefined).catch(() => undefined);
    }
    await this.#writer.flush().catch(() => undefined);
    await this.runtime.closeSession?.(this.sessionId);
  }

  /** Before the first turn: restore the runtime's state, create the session, run session-start hooks. */
  async *#prepare(signal: AbortSignal): AsyncGenerator<AgentEvent> {
    const restore = this.#pendingRestore;
    this.#pendingRestore = undefined;
    if (restore?.meta.runtimeState && this.runtime.restoreState) {
      await this.runtime.restoreState(this.sessionId, restore.meta.runtimeState, { fork: restore.fork });
    }
    const { title, tags, cwd = process.cwd() } = this.#options;
    const source = restore ? (restore.fork ? "fork" : "resume") : this.#created ? undefined : "startup";
    if (!this.#created) {
      await this.store.create(this.sessionId, {
        runtime: this.runtime.kind,
        model: this.runtime.model,
        cwd,
        title,
        tags,
      });
      this.#created = true;
      yield await this.#emit(
        { type: "session-start", runtime: this.runtime.kind, model: this.runtime.model, cwd },
        undefined,
      );
    }
    if (source && this.#hooks?.has("sessionStart")) {
      const started = await this.#hooks.sessionStart({ sessionId: this.sessionId, signal, source, cwd });
      for (const event of started.events) yield await this.#emit(event, undefined);
      this.#sessionContext = started.additionalContext || undefined;
    }
  }

  /** Stamps, stores and fans out one event; awaits the store only when it commits. */
  async #emit(
    body: AgentEventBody,
    turnId: string | undefined,
    options: { store?: boolean } = {},
  ): Promise<AgentEvent> {
    const event = this.#stamp(body, turnId);
    if (options.store !== false) {
      const committing = this.#writer.write(event);
      if (committing) await committing;
    }
    this.#notify(event);
    return event;
  }

  #stamp(body: AgentEventBody, turnId: string | undefined): AgentEvent {
    const event = {
      ...body,
      sessionId: this.sessionId,
      seq: ++this.#seq,
      timestamp: Date.now(),
      turnId,
    } as AgentEvent;
    this.#conversation.add(event);
    if (event.type === "turn-end") {
      this.#usage = addUsage(this.#usage, event.usage);
      this.#costUsd =
        this.#costUsd === undefined || event.costUsd === undefined
          ? undefined
          : this.#costUsd + event.costUsd;
    }
    return event;
  }

  #notify(event: AgentEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; it must not break the turn or other listeners.
      }
    }
  }

  async #saveRuntimeState(): Promise<void> {
    const state = this.runtime.getState?.(this.sessionId);
    if (state === undefined || !this.#created) return;
    await this.store.update(this.sessionId, { runtimeState: state }).catch(() => undefined);
  }
}
