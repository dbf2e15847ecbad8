import type { GuardedToolCall, ToolCallGuard } from "../permissions/index.js";
import {
  type AgentEventBody,
  ArkyError,
  serializeError,
  type ToolResultBlock,
  type ToolUseBlock,
} from "../protocol/index.js";
import { executeToolCall, type ToolRegistry } from "../tools/index.js";

/** What {@link runToolCalls} needs. */
export interface RunToolCallsOptions {
  calls: readonly ToolUseBlock[];
  tools: ToolRegistry;
  guard: ToolCallGuard;
  signal: AbortSignal;
  /** Receives the events as they happen. */
  emit: (event: AgentEventBody) => void;
  /** Resolves once every event emitted so far is stored (the durability checkpoint). */
  checkpoint: () => Promise<void>;
}

/**
 * Runs the tool calls of one assistant message: guard (permissions, hooks) → execute →
 * guard after. Runs them concurrently when every tool of the batch allows it, otherwise
 * one after another, each starting only once the previous result is stored. Returns the
 * results in the calls' order. Every call gets a result, including denied, failed and
 * cancelled ones.
 */
export async function runToolCalls(options: RunToolCallsOptions): Promise<ToolResultBlock[]> {
  const { calls, tools } = options;
  await options.checkpoint();
  const concurrent = calls.length > 1 && calls.every((c) => tools.get(c.name)?.concurrencySafe === true);
  if (concurrent) return Promise.all(calls.map((call) => runOne(call, options)));
  const results: ToolResultBlock[] = [];
  for (const call of calls) {
    results.push(await runOne(call, options));
    await options.checkpoint();
  }
  return results;
}

async function runOne(call: ToolUseBlock, options: RunToolCallsOptions): Promise<ToolResultBlock> {
  const { tools, guard, signal, emit } = options;
  const tool = tools.get(call.name);
  const guarded: GuardedToolCall = {
    toolCallId: call.id,
    toolName: call.name,
    input: call.input,
    readOnly: tool?.readOnly ?? false,
  };
  const started = performance.now();
  const end = (result: ToolResultBlock, error?: ArkyError): ToolResultBlock => {
    emit({
      type: "tool-execution-end",
      toolCallId: call.id,
      toolName: call.name,
      result,
      durationMs: performance.now() - started,
      ...(error ? { error: serializeError(error) } : {}),
    });
    return result;
  };

  let input = call.input;
  if (tool) {
    const before = await guard.beforeToolCall(guarded, signal);
    for (const event of before.events) emit(event);
    if (before.decision === "deny") {
      const result: ToolResultBlock = {
        type: "tool-result",
        toolUseId: call.id,
        content: [{ type: "text", text: before.reason }],
        isError: true,
      };
      return end(result, new ArkyError({ code: "tool-denied", message: before.reason }));
    }
    input = before.input;
  }

  emit({ type: "tool-execution-start", toolCallId: call.id, toolName: call.name, input });
  const outcome = await executeToolCall(
    tools,
    { id: call.id, name: call.name, input },
    {
      signal,
      onUpdate: (update) =>
        emit({ type: "tool-execution-update", toolCallId: call.id, toolName: call.name, update }),
    },
  );
  let result = outcome.result;
  if (tool && !outcome.error) {
    const after = await guard.afterToolCall({ ...guarded, input }, result, signal);
    for (const event of after.events) emit(event);
    result = after.result;
  }
  return end(result, outcome.error);
}
