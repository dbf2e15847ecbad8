import type { IdleTimer } from "../../process/index.js";
import {
  type AgentEventBody,
  ArkyError,
  serializeError,
  type ToolResultBlock,
} from "../../protocol/index.js";
import { EventQueue, type TurnRequest, WorkChain } from "../../provider/index.js";
import { networkWaitError } from "./codex-errors.js";
import { commandInput, toolUseMessage } from "./codex-items.js";
import { approvalRequestSchema, turnNotificationSchema } from "./codex-messages.js";
import type { BridgeCall } from "./codex-tool-bridge.js";
import { CODEX_TOOL_NAMES, type CodexTurnMapper } from "./map-codex-events.js";

/** How an approval request is answered. */
export type ApprovalDecision = "accept" | "decline" | "cancel";

/**
 * One running Codex turn: receives the notifications, approval requests and bridged tool
 * calls routed to it, consults the request's guard, and produces Arky events in order on
 * {@link events}. Work is chained so events keep the order in which Codex reported them,
 * even when a guard or hook is slow.
 */
export class CodexTurn {
  readonly events = new EventQueue<AgentEventBody>();
  readonly #request: TurnRequest;
  readonly #mapper: CodexTurnMapper;
  readonly #work = new WorkChain((error) =>
    this.#push([{ type: "error", error: serializeError(error), fatal: false }]),
  );
  /** Inputs of the tool calls seen, for the after-hooks of Codex's own tools. */
  readonly #inputs = new Map<string, unknown>();
  /** Why a command the guard allowed with an edited input was declined (item id → reason), for its end event. */
  readonly #refusals = new Map<string, string>();
  #resolveDone!: () => void;
  /** Resolves once the turn's `turn-end` was produced. */
  readonly done = new Promise<void>((resolve) => {
    this.#resolveDone = resolve;
  });
  #turnId: string | undefined;
  #networkWaits = 0;
  /** How many of Codex's waits for the network the turn sits through before it ends with `connection`. */
  networkWaitLimit = Number.POSITIVE_INFINITY;
  /** Called when the turn ended on a wait for the network: Codex's own turn must be interrupted. */
  onNetworkGiveUp: (() => void) | undefined;
  /** Bounds the app server's silence about this turn (set once `turn/start` answered). */
  idle: IdleTimer | undefined;
  /** Notifications that arrived before `turn/start` answered, kept until the turn id is known. */
  #early: Array<[string, unknown]> = [];

  constructor(request: TurnRequest, mapper: CodexTurnMapper) {
    this.#request = request;
    this.#mapper = mapper;
  }

  get finished(): boolean {
    return this.#mapper.finished;
  }

  #push(events: AgentEventBody[]): void {
    for (const event of events) {
      if (event.type === "message-end")
        for (const block of event.message.content)
          if (block.type === "tool-use") this.#inputs.set(block.id, block.input);
      this.events.push(event);
      if (event.type === "turn-end") {
        this.idle?.stop();
        this.events.end();
        this.#resolveDone();
      }
    }
  }

  /** Codex's turn id, once `turn/start` answered. */
  get turnId(): string | undefined {
    return this.#turnId;
  }

  /**
   * Sets the turn id from the `turn/start` answer and replays what came before it that
   * belongs to this turn (a resumed thread first replays the previous turn's token usage).
   */
  setTurnId(turnId: string): void {
    this.#turnId = turnId;
    const early = this.#early;
    this.#early = [];
    for (const [method, params] of early) this.notify(method, params);
  }

  /** A notification for this turn's thread. Other turns' notifications are dropped. */
  notify(method: string, params: unknown): void {
    const turnId = (params as { turnId?: unknown } | null)?.turnId;
    if (this.#turnId === undefined) {
      this.#early.push([method, params]);
      return;
    }
    if (typeof turnId === "string" && turnId !== this.#turnId) return;
    this.idle?.touch();
    void this.#work.run(async () => {
      let events: AgentEventBody[];
      try {
        if (method === "turn/completed") {
          const { turn } = turnNotificationSchema.parse(params);
          if (turn.id !== this.#turnId) return;
          events = this.#mapper.complete(turn);
        } else if (method === "error" && this.#givesUp(params)) {
          events = this.#mapper.abort("error", networkWaitError(params));
          this.onNetworkGiveUp?.();
        } else events = this.#mapper.map(method, params);
      } catch (cause) {
        const error = new ArkyError({
          code: "protocol",
          message: `Codex sent a ${method} notification of an unexpected shape; it was skipped.`,
          details: { provider: "codex", method },
          cause,
        });
        events = [{ type: "error", error: serializeError(error), fatal: false }];
      }
      await this.#pushWithAfterHooks(events);
    });
  }

  #givesUp(params: unknown): boolean {
    return networkWaitError(params) !== undefined && ++this.#networkWaits > this.networkWaitLimit;
  }

  /** A stdout line that could not be used: reported, the turn goes on. */
  protocolError(error: ArkyError): void {
    void this.#work.run(() => this.#push([{ type: "error", error: serializeError(error), fatal: false }]));
  }

  /**
   * Ends the turn without `turn/completed` (process exit, cancellation Codex did not
   * confirm). It does not wait for queued work: a guard that never answers must not keep
   * the turn open; anything that finishes later is dropped.
   */
  abort(unified: "cancelled" | "error", error?: ArkyError): void {
    this.#push(this.#mapper.abort(unified, error));
  }

  /** Asks the guard about a command or file change Codex wants to run; resolves with the answer for Codex. */
  approve(method: string, params: unknown): Promise<ApprovalDecision> {
    let decision: ApprovalDecision = "decline";
    // Codex waits on the guard (maybe a human): not its silence.
    const resume = this.idle?.pause();
    return this.#work
      .run(async () => {
        const request = approvalRequestSchema.parse(params);
        const open = this.#mapper.openTool(request.itemId);
        const fileChange = method.includes("fileChange");
        const call = {
          id: request.itemId,
          name: open?.toolName ?? (fileChange ? CODEX_TOOL_NAMES.fileChange : CODEX_TOOL_NAMES.command),
          input: open?.input ?? {
            ...commandInput(request.command ?? undefined, request.cwd, this.#mapper.cwd),
            reason: request.reason ?? undefined,
          },
        };
        const events: AgentEventBody[] = [];
        const emit = (event: AgentEventBody) => void events.push(event);
        const outcome = await this.#request.decide(call, { signal: this.#request.signal, emit });
        if (outcome.decision === "allow" && JSON.stringify(outcome.input) !== JSON.stringify(call.input)) {
          // Codex runs its own command: accepting would run the original, not the edited input.
          const declined = events.map(declineEdited);
          const decided = declined.find((e) => e.type === "permission-decision");
          const reason = decided?.reason ?? EDIT_DECLINED;
          this.#refusals.set(
            request.itemId,
            `Permission to use ${decided?.toolName ?? call.name} was denied: ${reason}.`,
          );
          this.#push(declined);
          return;
        }
        this.#push(events);
        if (outcome.decision === "allow") {
          decision = "accept";
          this.#push(this.#mapper.startTool(request.itemId));
        }
      })
      .then(() => decision)
      .finally(resume);
  }

  /** Runs an Arky tool Codex called through the bridge, through the turn's `runTool`. */
  async callTool(call: BridgeCall, toolCallId: string): Promise<ToolResultBlock> {
    const input = call.input;
    await this.#work.run(() => this.#push(toolUseMessage(toolCallId, call.toolName, input)));
    const resume = this.idle?.pause();
    try {
      return await this.#request.runTool(
        { id: toolCallId, name: call.toolName, input },
        {
          signal: AbortSignal.any([this.#request.signal, call.signal]),
          emit: (event) => void this.#work.run(() => this.#push([event])),
        },
      );
    } finally {
      resume?.();
    }
  }

  // Codex's own tools already ran; endTool applies the one after-hook rule (none for a failed
  // call) and gives a refused call's end the guard's reason rather than Codex's own text.
  async #pushWithAfterHooks(events: AgentEventBody[]): Promise<void> {
    for (const event of events) {
      if (event.type !== "tool-execution-end" || this.#mapper.finished) {
        this.#push([event]);
        continue;
      }
      const refusal = this.#refusals.get(event.toolCallId);
      const error = refusal
        ? serializeError(new ArkyError({ code: "tool-denied", message: refusal }))
        : event.error;
      await this.#request.endTool(
        { id: event.toolCallId, name: event.toolName, input: this.#inputs.get(event.toolCallId) },
        { result: event.result, durationMs: event.durationMs, ...(error ? { error } : {}) },
        { signal: this.#request.signal, emit: (end) => this.#push([end]) },
      );
    }
  }
}

/** The guard's allow of an edited input, recorded as the decline Codex gets instead. */
function declineEdited(event: AgentEventBody): AgentEventBody {
  if (event.type !== "permission-decision" || event.decision !== "allow") return event;
  const { updatedInput: _edited, ...rest } = event;
  return {
    ...rest,
    decision: "deny",
    reason: `${event.reason ? `${event.reason}; ` : ""}${EDIT_DECLINED}`,
  };
}

const EDIT_DECLINED =
  "allowed with an edited input, but Codex runs its own commands and cannot apply one, so the call was declined";
