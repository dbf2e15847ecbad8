import { allowAllGuard, type GuardedToolCall, type ToolCallGuard } from "../permissions/index.js";
import {
  type AgentEventBody,
  ArkyError,
  cancelledError,
  type SerializedError,
  serializeError,
  type ToolResultBlock,
} from "../protocol/index.js";
import { executeToolCall, type ToolCall, type ToolRegistry } from "../tools/index.js";

/** Where a tool call's events go, and what cancels it. */
export interface ToolCallOptions {
  /** Aborted when the call (or the turn) is cancelled. */
  signal: AbortSignal;
  /** Receives the call's events in order; the runtime appends them to the turn. */
  emit: (event: AgentEventBody) => void;
}

/** The guard's answer for one tool call. */
export type ToolDecision = { decision: "allow"; input: unknown } | { decision: "deny"; reason: string };

/** How a call the runtime executed itself (a CLI's own tool) ended. */
export interface ToolCallEnd {
  /** The result the CLI produced (and already sent to its model). */
  result: ToolResultBlock;
  /** Set when the call failed (declined, interrupted, timed out…); then no after-hooks run. */
  error?: SerializedError;
  durationMs?: number;
}

/**
 * The one tool path every runtime uses; the Agent builds it per turn from its registry
 * and guard. The event order is the same on every runtime: the guard's decisions →
 * `tool-execution-start` (only once the call is allowed and its input valid) →
 * `tool-execution-update`* → after-hook decisions → exactly one `tool-execution-end`
 * (with `error` on any failure). After-hooks run for a call that executed and completed,
 * including a tool's own `isError` result, and never for a failed one (denied, unknown,
 * invalid input, thrown, timed out, cancelled).
 */
export interface TurnTools {
  /**
   * Whether the guard can refuse or change a call (false only for `allowAllGuard`, which an
   * Agent uses when given `guard: allowAllGuard`): a CLI runtime may then skip asking for decisions.
   */
  readonly guarded: boolean;
  /**
   * Runs one of Arky's tools: guard → validate → execute with its timeout and the signal →
   * after-hooks, emitting the events above. Never throws; every outcome is a result the
   * model can read. An unknown tool is not shown to the guard.
   */
  runTool(call: ToolCall, options: ToolCallOptions): Promise<ToolResultBlock>;
  /**
   * Asks the guard about a call a CLI runs itself (its built-in tools), or that is about
   * to reach {@link runTool}. Asked once per call id: later asks for the same id (a CLI's
   * hook and its permission prompt, then the bridged call) get the same decision and emit
   * nothing. `readOnly` describes a tool not in the registry (default false).
   */
  decide(call: ToolCall & { readOnly?: boolean }, options: ToolCallOptions): Promise<ToolDecision>;
  /**
   * The after-step of a call the CLI executed itself: after-hooks when it completed (no
   * `error`, and {@link decide} did not deny it), then its `tool-execution-end`. A denied
   * call's end carries `tool-denied` with the guard's reason, whatever the CLI said. The
   * runtime emits that call's `tool-execution-start` itself, when the CLI runs it. Resolves
   * with the result after hooks (what events record; the CLI's model already has its own).
   */
  endTool(
    call: ToolCall & { readOnly?: boolean },
    end: ToolCallEnd,
    options: ToolCallOptions,
  ): Promise<ToolResultBlock>;
}

/** Builds the {@link TurnTools} of one turn over a registry and a guard. */
export function createTurnTools(tools: ToolRegistry, guard: ToolCallGuard): TurnTools {
  const decisions = new Map<string, Promise<ToolDecision>>();
  const describe = (call: ToolCall & { readOnly?: boolean }, input = call.input): GuardedToolCall => ({
    toolCallId: call.id,
    toolName: call.name,
    input,
    readOnly: tools.get(call.name)?.readOnly ?? call.readOnly ?? false,
  });

  const decide: TurnTools["decide"] = (call, { signal, emit }) => {
    let decision = decisions.get(call.id);
    if (!decision) {
      decision = answerOrCancel(
        guard.beforeToolCall(describe(call), signal).then((outcome): ToolDecision => {
          if (!signal.aborted) for (const event of outcome.events) emit(event);
          return outcome.decision === "allow"
            ? { decision: "allow", input: outcome.input }
            : { decision: "deny", reason: outcome.reason };
        }),
        signal,
      );
      decisions.set(call.id, decision);
    }
    return decision;
  };

  // The one after-step: the after-hook rule and the end event, for Arky's tools and a CLI's own.
  const endTool: TurnTools["endTool"] = async (call, { result, error, durationMs = 0 }, options) => {
    const decision = await decisions.get(call.id);
    const failure =
      decision?.decision === "deny"
        ? serializeError(new ArkyError({ code: "tool-denied", message: decision.reason }))
        : error;
    let final = result;
    if (!failure) {
      const input = decision?.decision === "allow" ? decision.input : call.input;
      const after = await guard.afterToolCall(describe(call, input), result, options.signal);
      for (const event of after.events) options.emit(event);
      final = after.result;
    }
    options.emit({
      type: "tool-execution-end",
      toolCallId: call.id,
      toolName: call.name,
      result: final,
      durationMs,
      ...(failure ? { error: failure } : {}),
    });
    return final;
  };

  return {
    guarded: guard !== allowAllGuard,
    decide,
    endTool,
    async runTool(call, options) {
      const { signal, emit } = options;
      const started = performance.now();
      let input = call.input;
      if (tools.has(call.name)) {
        const decision = await decide(call, options);
        if (decision.decision === "deny") {
          const content = [{ type: "text" as const, text: decision.reason }];
          const result: ToolResultBlock = { type: "tool-result", toolUseId: call.id, content, isError: true };
          return endTool(call, { result, durationMs: performance.now() - started }, options);
        }
        input = decision.input;
      }
      const { id, name } = call;
      const outcome = await executeToolCall(
        tools,
        { id, name, input },
        {
          signal,
          onStart: (valid) =>
            emit({ type: "tool-execution-start", toolCallId: id, toolName: name, input: valid }),
          onUpdate: (update) =>
            emit({ type: "tool-execution-update", toolCallId: id, toolName: name, update }),
        },
      );
      const error = outcome.error ? serializeError(outcome.error) : undefined;
      const end = {
        result: outcome.result,
        durationMs: performance.now() - started,
        ...(error ? { error } : {}),
      };
      return endTool({ ...call, input }, end, options);
    },
  };
}

/**
 * The guard's answer, or a denial once the signal aborts: a guard (a hook, a permission
 * prompt) that never answers, or ignores an already-aborted signal, must not keep a
 * cancelled turn open. A late answer is dropped, events and all.
 */
function answerOrCancel(answer: Promise<ToolDecision>, signal: AbortSignal): Promise<ToolDecision> {
  const cancelled = (): ToolDecision => ({ decision: "deny", reason: cancelledError(signal.reason).message });
  if (signal.aborted) return Promise.resolve(cancelled());
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(cancelled());
    signal.addEventListener("abort", onAbort, { once: true });
    answer.then(
      (decision) => {
        signal.removeEventListener("abort", onAbort);
        resolve(signal.aborted ? cancelled() : decision);
      },
      (thrown: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(thrown);
      },
    );
  });
}
