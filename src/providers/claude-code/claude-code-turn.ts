import type { IdleTimer, ProcessExit } from "../../process/index.js";
import {
  type AgentEventBody,
  ArkyError,
  addUsage,
  type CorrectionHints,
  cancelledError,
  emptyUsage,
  serializeError,
  type ToolResultBlock,
} from "../../protocol/index.js";
import {
  EventQueue,
  failedTurnEnd,
  processExitedError,
  type ToolDecision,
  type TurnRequest,
  WorkChain,
} from "../../provider/index.js";
import type { ToolCall } from "../../tools/index.js";
import { displayToolName, isArkyToolName } from "./arky-mcp-bridge.js";
import type { CliLine, ResultLine } from "./claude-code-messages.js";
import { ClaudeCodeEventMapper } from "./map-claude-code-events.js";
import { mapClaudeCodeResult } from "./map-claude-code-result.js";
import { attribute, type ClaudeEventBody, ToolCallTracker } from "./tool-call-tracker.js";

/** CLI tools that change nothing and send nothing out; every other CLI tool needs permission. */
const READ_ONLY_CLI_TOOLS = new Set(["Read", "Glob", "Grep", "LS", "NotebookRead", "TodoWrite"]);

/**
 * One turn on a CLI process: maps its stdout into events on a queue (in order, through
 * one chain), answers the guard-related control requests, and ends with exactly one
 * `turn-end` — from the `result` line, or from the process's exit.
 */
export class ClaudeCodeTurn {
  readonly queue = new EventQueue<ClaudeEventBody>();
  readonly tracker: ToolCallTracker;
  readonly mapper: ClaudeCodeEventMapper;
  readonly request: TurnRequest;
  /** The host asked the CLI to stop this turn. */
  interrupted = false;
  /** Bounds the CLI's silence during the turn (set once the user message is sent). */
  idle: IdleTimer | undefined;
  #finished = false;
  #resolveDone: () => void = () => {};
  /** Resolves once the turn has its terminal events. */
  readonly done = new Promise<void>((resolve) => {
    this.#resolveDone = resolve;
  });
  readonly #work = new WorkChain((error) =>
    this.queue.push({ type: "error", error: serializeError(error), fatal: false }),
  );
  /** Calls the guard was asked about (through the CLI's hook or prompt). */
  readonly #asked = new Set<string>();
  readonly #started = performance.now();
  /** The sum of the turn's `usage` events: what the model calls reported, even if the turn is cut short. */
  #reported = emptyUsage();
  readonly #previousCostUsd: number;
  readonly #stderrTail: () => string;
  readonly #onResult: (line: ResultLine) => void;
  readonly #hints: CorrectionHints | undefined;
  readonly #initialized: () => boolean;

  constructor(
    request: TurnRequest,
    options: {
      previousCostUsd: number;
      stderrTail: () => string;
      onResult: (line: ResultLine) => void;
      hints?: CorrectionHints;
      /** Whether the process reported its `system init` (a `result` before it is a protocol break). */
      initialized: () => boolean;
    },
  ) {
    this.request = request;
    this.tracker = new ToolCallTracker((name) => displayToolName(name, request.tools));
    this.mapper = new ClaudeCodeEventMapper(this.tracker);
    this.#previousCostUsd = options.previousCostUsd;
    this.#stderrTail = options.stderrTail;
    this.#onResult = options.onResult;
    this.#hints = options.hints;
    this.#initialized = options.initialized;
  }

  get finished(): boolean {
    return this.#finished;
  }

  emit(events: ReadonlyArray<ClaudeEventBody | undefined>): Promise<void> {
    return this.#work.run(async () => {
      for (const event of events) if (event) this.queue.push(event);
    });
  }

  /** Asks the guard once per tool call; later asks for the same call get the same decision. */
  async decide(toolCallId: string, cliName: string, input: unknown, parent?: string): Promise<ToolDecision> {
    if (!this.#asked.has(toolCallId)) {
      this.#asked.add(toolCallId);
      this.tracker.see(toolCallId, cliName, input, parent ?? this.tracker.parentOf(toolCallId));
    }
    const name = this.tracker.toolName(toolCallId, cliName);
    const call = { id: toolCallId, name, input, readOnly: READ_ONLY_CLI_TOOLS.has(cliName) };
    const decision = await this.request.decide(call, { signal: this.request.signal, emit: this.#emitTool });
    // Arky tools start when runTool runs them; CLI tools once they are allowed (the tracker starts a call once).
    const start = decision.decision === "allow" && !isArkyToolName(cliName);
    await this.emit([start ? this.tracker.start(toolCallId, decision.input) : undefined]);
    return decision;
  }

  /** Runs one of Arky's tools the CLI called over MCP, through the request's `runTool`. */
  readonly runTool = (call: ToolCall, signal: AbortSignal): Promise<ToolResultBlock> => {
    this.tracker.see(call.id, call.name, call.input);
    return this.request.runTool(call, {
      signal: AbortSignal.any([signal, this.request.signal]),
      emit: this.#emitTool,
    });
  };

  /** A tool event as the tracker records it: one start and one end per call, attributed to sub-agents. */
  #track(event: AgentEventBody): ClaudeEventBody | undefined {
    if (event.type === "tool-execution-start") return this.tracker.start(event.toolCallId, event.input);
    if (event.type === "tool-execution-end")
      return this.tracker.end(event.toolCallId, event.result, event.error);
    // A sub-agent's permission and hook decisions belong to it like its start and end.
    const id = "toolCallId" in event ? event.toolCallId : undefined;
    return id ? attribute(event, this.tracker.parentOf(id)) : event;
  }

  /** Tool events from outside the chain (control requests) join it; from inside it, go straight on. */
  readonly #emitTool = (event: AgentEventBody): void => void this.emit([this.#track(event)]);
  readonly #pushTool = (event: AgentEventBody): void => {
    const tracked = this.#track(event);
    if (tracked) this.queue.push(tracked);
  };

  onLine(line: CliLine): void {
    this.idle?.touch();
    void this.#work.run(async () => {
      if (this.#finished) return;
      if (line.type === "result") {
        // A failed start (an unknown --resume id) legitimately reports its error result before
        // init; a success before init has no turn behind it.
        const result = line as ResultLine;
        if (!this.#initialized() && result.subtype === "success" && result.is_error !== true) {
          this.fail(
            new ArkyError({
              code: "protocol",
              message: "claude reported success before its system init line; the turn cannot be trusted.",
              details: { provider: "claude-code", stderrTail: this.#stderrTail().slice(-4096) },
            }),
          );
          return;
        }
        this.#onResult(line as ResultLine);
        this.#finish(
          mapClaudeCodeResult(line as ResultLine, {
            interrupted: this.interrupted,
            previousCostUsd: this.#previousCostUsd,
            modelCalls: this.mapper.modelCalls,
            durationMs: performance.now() - this.#started,
            reportedUsage: this.#reported,
            hints: this.#hints,
            stderrTail: this.#stderrTail(),
          }),
        );
        return;
      }
      const mapped = this.mapper.map(line);
      for (const event of mapped.events) {
        if (event.type === "usage") this.#reported = addUsage(this.#reported, event.usage);
        this.queue.push(event);
      }
      for (const { toolCallId, result } of mapped.toolResults) {
        const described = this.tracker.describe(toolCallId);
        if (!described) continue;
        if (!this.#asked.has(toolCallId)) {
          // Without Arky's hook the CLI runs calls it allows by itself unasked: the start is known only now.
          const start = this.tracker.start(toolCallId, described.input);
          if (start) this.queue.push(start);
        }
        // The CLI already sent its own result to the model; events record what it saw.
        const { toolName: name, input } = described;
        await this.request.endTool(
          { id: toolCallId, name, input, readOnly: READ_ONLY_CLI_TOOLS.has(name) },
          { result },
          { signal: this.request.signal, emit: this.#pushTool },
        );
      }
    });
  }

  onProtocolError(error: ArkyError): void {
    void this.emit([{ type: "error", error: serializeError(error), fatal: false }]);
  }

  onExit(exit: ProcessExit): void {
    void this.#work.run(async () =>
      this.fail(this.interrupted ? cancelledError() : processExitedError("claude", exit)),
    );
  }

  /** Ends the turn with a fatal error (a failed start, a crash) or as cancelled. */
  fail(error: ArkyError): void {
    if (this.#finished) return;
    this.#finish(
      failedTurnEnd(error, {
        usage: this.#reported,
        durationMs: performance.now() - this.#started,
        modelCalls: this.mapper.modelCalls,
      }),
    );
  }

  /** Ends the turn as cancelled without waiting for the CLI (it is being torn down). */
  cancelNow(): void {
    void this.#work.run(async () => this.fail(cancelledError()));
  }

  #finish(events: ClaudeEventBody[]): void {
    this.#finished = true;
    this.idle?.stop();
    this.#resolveDone();
    for (const event of events) this.queue.push(event);
    this.queue.end();
  }
}
