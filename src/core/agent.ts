import type { HookChain } from "../hooks/index.js";
import type { ToolCallGuard } from "../permissions/index.js";
import {
  type AgentEvent,
  ArkyError,
  type Message,
  newId,
  newSessionId,
  toArkyError,
  toUserMessage,
  type UserMessage,
} from "../protocol/index.js";
import { type AgentRuntime, createTurnTools, turnRunningError } from "../provider/index.js";
import { InMemorySessionStore, type SessionStore } from "../session/index.js";
import { ToolRegistry } from "../tools/index.js";
import { assertAgentOptions, assertPromptInput } from "./agent-checks.js";
import { TurnStream } from "./agent-stream.js";
import {
  batchesOf,
  buildGuard,
  loadSession,
  type Restored,
  runStopHooks,
  sumTurnEnds,
  type TurnEnd,
  type TurnState,
  unsupported,
} from "./agent-support.js";
import type {
  AgentEventListener,
  AgentInput,
  AgentOptions,
  AgentResult,
  AgentStream,
  TurnOptions,
} from "./agent-types.js";
import { endFailedTurn, endTurn, type TurnEnding } from "./end-turn.js";
import { forkSession } from "./fork-point.js";
import { SessionEvents } from "./session-events.js";
import { workingFolder } from "./working-folder.js";

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
  /** The one working folder (see `AgentOptions.cwd`): rules, runtime, tools and session record. */
  readonly cwd: string;
  readonly #guard: ToolCallGuard;
  readonly #hooks: HookChain | undefined;
  #sessionContext: string | undefined;
  readonly #options: AgentOptions;
  readonly #events: SessionEvents;
  readonly #ending: TurnEnding;
  #created: boolean;
  #pendingRestore: Restored | undefined;
  #running = false;
  #closed = false;

  constructor(options: AgentOptions, restored?: Restored) {
    assertAgentOptions(options, restored?.fork);
    this.#options = options;
    this.runtime = options.runtime;
    this.tools =
      options.tools instanceof ToolRegistry ? options.tools : new ToolRegistry(options.tools ?? []);
    this.store = options.store ?? new InMemorySessionStore();
    this.sessionId = options.sessionId ?? newSessionId();
    this.cwd = workingFolder(options.cwd, this.runtime, this.tools);
    const built = buildGuard(options, this.sessionId, this.cwd);
    this.#guard = built.guard;
    this.#hooks = built.hooks;
    this.#events = new SessionEvents(this.store, this.sessionId, restored, options.now);
    this.#ending = { events: this.#events, runtime: this.runtime, store: this.store };
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
   * parent, and opens the fork. Which points are refused: `forkSession`, docs/sessions.md.
   */
  static async fork(
    sessionId: string,
    options: Omit<AgentOptions, "sessionId"> & { atSeq?: number; newSessionId?: string },
  ): Promise<Agent> {
    const store = options.store ?? new InMemorySessionStore();
    const forkId = await forkSession(store, options.runtime, sessionId, options);
    return Agent.#open(forkId, { ...options, store }, true, true);
  }

  static async #open(
    sessionId: string,
    options: Omit<AgentOptions, "sessionId">,
    fork: boolean,
    stateRestored = false,
  ): Promise<Agent> {
    const store = options.store ?? new InMemorySessionStore();
    const restored = await loadSession(store, sessionId, fork);
    if (stateRestored) restored.stateRestored = true;
    const agent = new Agent({ ...options, store, sessionId }, restored);
    agent.#events.usage = restored.meta.usage;
    agent.#events.costUsd = restored.meta.costUsd;
    return agent;
  }

  /** The conversation so far. */
  get messages(): Message[] {
    return this.#events.conversation.build().slice();
  }

  /** Token usage of the whole session. */
  get usage() {
    return this.#events.usage;
  }

  /** Cost of the whole session in USD (undefined when some model's price was unknown). */
  get costUsd(): number | undefined {
    return this.#events.costUsd;
  }

  /** Listens to every event of every turn; returns the unsubscribe function. */
  subscribe(listener: AgentEventListener): () => void {
    return this.#events.subscribe(listener);
  }

  /**
   * Runs one turn and resolves with its result. Rejects with the turn's `ArkyError` when
   * it failed or was cancelled (`max-turns` and other stop reasons resolve normally).
   */
  async prompt(input: AgentInput, options: TurnOptions = {}): Promise<AgentResult> {
    return this.#start(input, options).drain();
  }

  /**
   * Runs one turn and streams its events. Leaving the `for await` early cancels the
   * turn. Throws at once, before any event, when the agent is closed or a turn is running.
   * When an `onStop` hook blocks the stop, the turn goes on with the hook's reason as the next
   * message: still one turn, whose one `turn-end` sums the usage and cost of all its model
   * calls. Its `result` settles as `prompt()` would (see {@link AgentStream}).
   */
  stream(input: AgentInput, options: TurnOptions = {}): AgentStream {
    return this.#start(input, options);
  }

  #start(input: AgentInput, options: TurnOptions): TurnStream {
    this.#assertCanStart();
    assertPromptInput(input);
    return new TurnStream(this.#run(input, options));
  }

  #assertCanStart(): void {
    if (this.#closed) throw new ArkyError({ code: "configuration", message: "This agent is closed." });
    if (this.#running) throw turnRunningError();
  }

  // One generator for the whole stream, resumed once per burst of the runtime's events
  // (a network chunk of deltas, say), not per event: this is the per-delta hot path.
  async *#run(input: AgentInput, options: TurnOptions): AsyncGenerator<AgentEvent[], void, undefined> {
    this.#assertCanStart();
    this.#running = true;
    const controller = new AbortController();
    const signal = controller.signal;
    const outer = options.signal;
    const onAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener("abort", onAbort, { once: true });
    const state: TurnState = { turnId: undefined, ended: true };
    try {
      const unstored = yield* this.#prepare(signal);
      const turnId = newId("turn");
      state.turnId = turnId;
      state.ended = false;
      let ending: AgentEvent[];
      try {
        const begun = await this.#beginTurn(toUserMessage(input), turnId, signal);
        state.ended = begun.blocked;
        if (begun.events.length > 0) yield begun.events;
        if (begun.blocked) return;
        if (unstored) throw unstored;
        // A blocked stop runs the runtime again in the same turn: one turn-end with the sums.
        let { input: next, history } = begun;
        let total: TurnEnd | undefined;
        for (;;) {
          total = sumTurnEnds(total, yield* this.#runtimeTurn(next, history, turnId, signal));
          history = this.#events.conversation.build().slice();
          const stop = await runStopHooks(this.#hooks, this.#events, total, turnId, signal);
          if (!stop.followUp) {
            ending = [...stop.events, ...(await endTurn(this.#ending, turnId, total))];
            break;
          }
          if (stop.events.length > 0) yield stop.events;
          next = stop.followUp;
        }
      } catch (thrown) {
        // A runtime broke its contract or a commit failed; end the turn cleanly rather than leave it open.
        const error = toArkyError(thrown);
        controller.abort(error);
        state.ended = true;
        yield await endFailedTurn(this.#ending, turnId, error);
        return;
      }
      state.ended = true;
      yield ending;
    } finally {
      outer?.removeEventListener("abort", onAbort);
      if (!state.ended) {
        // The consumer left early: stop the work and record how the turn ended.
        controller.abort(new DOMException("The consumer stopped reading the stream.", "AbortError"));
        // Nobody reads the stream any more: a store failure reaches the subscribers only.
        await endFailedTurn(this.#ending, state.turnId, toArkyError(signal.reason));
      }
      // Every normal path ends with a committed turn-end, so this only commits what an
      // exception on its way out left buffered; a failure there marks the session for re-reading.
      await this.#events.flush().catch(() => undefined);
      this.#running = false;
    }
  }

  /**
   * Starts a turn: prompt hooks, session context, `turn-start`. Returns the events emitted
   * (stored already) and whether a hook blocked the prompt (then the turn has ended).
   */
  async #beginTurn(prompt: UserMessage, turnId: string, signal: AbortSignal) {
    const hooks = this.#hooks;
    const submitted = hooks?.has("userPromptSubmit")
      ? await hooks.userPromptSubmit({ sessionId: this.sessionId, prompt, signal })
      : undefined;
    let input = submitted?.decision === "continue" ? submitted.prompt : prompt;
    if (this.#sessionContext) {
      input = { ...input, content: [...input.content, { type: "text", text: this.#sessionContext }] };
      this.#sessionContext = undefined;
    }
    const history = this.#events.conversation.build().slice();
    const events = [await this.#events.emit({ type: "turn-start", input }, turnId)];
    for (const event of submitted?.events ?? []) events.push(await this.#events.emit(event, turnId));
    const blocked = submitted?.decision === "block";
    if (blocked) {
      const error = new ArkyError({
        code: "hook",
        message: `The prompt was blocked by a hook: ${submitted.reason}`,
      });
      events.push(...(await endFailedTurn(this.#ending, turnId, error)));
    }
    return { input, history, events, blocked };
  }

  /** One run of the runtime in a turn: streams its events (stored), returns its held-back `turn-end`. */
  async *#runtimeTurn(
    input: UserMessage,
    history: Message[],
    turnId: string,
    signal: AbortSignal,
  ): AsyncGenerator<AgentEvent[], TurnEnd> {
    const turn = this.runtime.runTurn({
      sessionId: this.sessionId,
      turnId,
      input,
      history,
      tools: this.tools,
      ...createTurnTools(this.tools, this.#guard),
      cwd: this.cwd,
      signal,
    });
    const source = batchesOf(turn);
    try {
      for (;;) {
        const batch = await source.next();
        if (!batch) break;
        const out: AgentEvent[] = [];
        for (const body of batch) {
          if (body.type === "turn-end") {
            if (out.length > 0) yield out;
            return body;
          }
          const event = this.#events.stamp(body, turnId);
          const committing = this.#events.write(event);
          if (committing) await committing;
          this.#events.notify(event);
          out.push(event);
        }
        if (out.length > 0) yield out;
      }
    } finally {
      await source.close();
    }
    throw new ArkyError({
      code: "protocol",
      message: `The ${this.runtime.kind} runtime ended a turn without turn-end.`,
    });
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

  /**
   * Ends the session: records `session-end` and releases the runtime's session resources.
   * Rejects with the store's error (after releasing them) when `session-end` cannot be stored.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (!this.#created) return;
      await this.#resync();
      if (this.#hooks?.has("sessionEnd")) {
        const ended = await this.#hooks.sessionEnd({
          sessionId: this.sessionId,
          signal: AbortSignal.timeout(60_000),
          reason: "closed",
        });
        for (const event of ended.events) await this.#events.emit(event, undefined);
      }
      await this.#events.emit({ type: "session-end", reason: "closed" }, undefined);
    } finally {
      await this.runtime.closeSession?.(this.sessionId);
    }
  }

  /** After a failed commit: continue from what the store holds, as `Agent.resume` would. */
  async #resync(): Promise<void> {
    if (this.#events.failure) this.#events.restore(await loadSession(this.store, this.sessionId, false));
  }

  /** Before the first turn: restore the runtime's state, create the session, run session-start hooks.
   * Returns a failed commit of the hooks' events (after session-start streamed: it ends the turn). */
  async *#prepare(signal: AbortSignal): AsyncGenerator<AgentEvent[], ArkyError | undefined> {
    await this.#resync();
    const restore = this.#pendingRestore;
    this.#pendingRestore = undefined;
    if (restore?.meta.runtimeState && this.runtime.restoreState && !restore.stateRestored) {
      await this.runtime.restoreState(this.sessionId, restore.meta.runtimeState, { fork: restore.fork });
    }
    const { title, tags } = this.#options;
    const cwd = this.cwd;
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
      yield [
        await this.#events.emit(
          { type: "session-start", runtime: this.runtime.kind, model: this.runtime.model, cwd },
          undefined,
        ),
      ];
    }
    if (source && this.#hooks?.has("sessionStart")) {
      const started = await this.#hooks.sessionStart({ sessionId: this.sessionId, signal, source, cwd });
      this.#sessionContext = started.additionalContext || undefined;
      for (const event of started.events) {
        const emitted = await this.#events.tryEmit(event, undefined);
        if (emitted instanceof ArkyError) return emitted;
        yield [emitted];
      }
    }
    return undefined;
  }
}
