import type { GuardedToolCall, ToolCallGuard } from "../permissions/index.js";
import {
  type AgentEventBody,
  ArkyError,
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
  const endEvent = (call: ToolCall, result: ToolResultBlock, durationMs: number, error?: SerializedError) =>
    ({
      type: "tool-execution-end",
      toolCallId: call.id,
      toolName: call.name,
      result,
      durationMs,
      ...(error ? { error } : {}),
    }) as const;
  const after = async (
    call: ToolCall & { readOnly?: boolean },
    input: unknown,
    result: ToolResultBlock,
    { signal, emit }: ToolCallOptions,
  ) => {
    const outcome = await guard.afterToolCall(describe(call, input), result, signal);
    for (const event of outcome.events) emit(event);
    return outcome.result;
  };

  const decide: TurnTools["decide"] = (call, { signal, emit }) => {
    let decision = decisions.get(call.id);
    if (!decision) {
      decision = guard.beforeToolCall(describe(call), signal).then((outcome) => {
        for (const event of outcome.events) emit(event);
        return outcome.decision === "allow"
          ? { decision: "allow" as const, input: outcome.input }
          : { decision: "deny" as const, reason: outcome.reason };
      });
      decisions.set(call.id, decision);
    }
    return decision;
  };

  return {
    decide,
    async runTool(call, options) {
      const { signal, emit } = options;
      const started = performance.now();
      const end = (result: ToolResultBlock, error?: ArkyError) => {
        emit(endEvent(call, result, performance.now() - started, error ? serializeError(error) : undefined));
        return result;
      };
      let input = call.input;
      if (tools.has(call.name)) {
        const decision = await decide(call, options);
        if (decision.decision === "deny")
          return end(deniedResult(call.id, decision.reason), denied(decision.reason));
        input = decision.input;
      }
      const outcome = await executeToolCall(
        tools,
        { id: call.id, name: call.name, input },
        {
          signal,
          onStart: (valid) =>
            emit({ type: "tool-execution-start", toolCallId: call.id, toolName: call.name, input: valid }),
          onUpdate: (update) =>
            emit({ type: "tool-execution-update", toolCallId: call.id, toolName: call.name, update }),
        },
      );
      if (outcome.error) return end(outcome.result, outcome.error);
      return end(await after(call, input, outcome.result, options));
    },
    async endTool(call, { result, error, durationMs = 0 }, options) {
      const decision = await decisions.get(call.id);
      const failure = decision?.decision === "deny" ? serializeError(denied(decision.reason)) : error;
      const input = decision?.decision === "allow" ? decision.input : call.input;
      const final = failure ? result : await after(call, input, result, options);
      options.emit(endEvent(call, final, durationMs, failure));
      return final;
    },
  };
}

function denied(reason: string): ArkyError {
  return new ArkyError({ code: "tool-denied", message: reason });
}

function deniedResult(toolUseId: string, reason: string): ToolResultBlock {
  return { type: "tool-result", toolUseId, content: [{ type: "text", text: reason }], isError: true };
}
