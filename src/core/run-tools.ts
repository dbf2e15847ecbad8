import type { GuardedToolCall, ToolCallGuard } from "../permissions/index.js";
import {
  type AgentEventBody,
  ArkyError,
  serializeError,
  type ToolResultBlock,
  type ToolUseBlock,
} from "../protocol/index.js";
import { executeToolCall, type ToolRegistry } from "../tools/index.js";
import { AsyncQueue } from "./async-queue.js";

/** What {@link runToolCalls} needs. */
export interface RunToolCallsOptions {
  calls: readonly ToolUseBlock[];
  tools: ToolRegistry;
  guard: ToolCallGuard;
  signal: AbortSignal;
}

/**
 * Runs the tool calls of one assistant message: guard (permissions, hooks) → execute →
 * guard after. Runs them concurrently when every tool of the batch allows it, otherwise
 * one after another (so each result is recorded before the next tool starts). Yields the
 * events; returns the results in the calls' order. Every call gets a result, including
 * denied, failed and cancelled ones.
 */
export async function* runToolCalls(
  options: RunToolCallsOptions,
): AsyncGenerator<AgentEventBody, ToolResultBlock[]> {
  const { calls, tools } = options;
  const concurrent = calls.length > 1 && calls.every((c) => tools.get(c.name)?.concurrencySafe === true);
  if (!concurrent) {
    const results: ToolResultBlock[] = [];
    for (const call of calls) results.push(yield* runOne(call, options));
    return results;
  }
  const queue = new AsyncQueue<AgentEventBody>();
  const pending = calls.map((call) => drain(runOne(call, options), queue));
  const all = Promise.all(pending).finally(() => queue.end());
  yield* queue;
  return all;
}

async function drain(
  run: AsyncGenerator<AgentEventBody, ToolResultBlock>,
  queue: AsyncQueue<AgentEventBody>,
): Promise<ToolResultBlock> {
  for (;;) {
    const next = await run.next();
    if (next.done) return next.value;
    queue.push(next.value);
  }
}

async function* runOne(
  call: ToolUseBlock,
  options: RunToolCallsOptions,
): AsyncGenerator<AgentEventBody, ToolResultBlock> {
  const { tools, guard, signal } = options;
  const tool = tools.get(call.name);
  const guarded: GuardedToolCall = {
    toolCallId: call.id,
    toolName: call.name,
    input: call.input,
    readOnly: tool?.readOnly ?? false,
  };
  const started = performance.now();
  const end = (result: ToolResultBlock, error?: ArkyError): AgentEventBody => ({
    type: "tool-execution-end",
    toolCallId: call.id,
    toolName: call.name,
    result,
    durationMs: performance.now() - started,
    ...(error ? { error: serializeError(error) } : {}),
  });

  let input = call.input;
  if (tool) {
    const before = await guard.beforeToolCall(guarded, signal);
    for (const event of before.events) yield event;
    if (before.decision === "deny") {
      const error = new ArkyError({ code: "tool-denied", message: before.reason });
      const result: ToolResultBlock = {
        type: "tool-result",
        toolUseId: call.id,
        content: [{ type: "text", text: before.reason }],
        isError: true,
      };
      yield end(result, error);
      return result;
    }
    input = before.input;
  }

  yield { type: "tool-execution-start", toolCallId: call.id, toolName: call.name, input };
  const updates: AgentEventBody[] = [];
  let wake: (() => void) | undefined;
  const outcomePromise = executeToolCall(
    tools,
    { id: call.id, name: call.name, input },
    {
      signal,
      onUpdate: (update) => {
        updates.push({ type: "tool-execution-update", toolCallId: call.id, toolName: call.name, update });
        wake?.();
      },
    },
  );
  let settled = false;
  void outcomePromise.finally(() => {
    settled = true;
    wake?.();
  });
  // Forward start and progress events while the tool runs.
  for (;;) {
    while (updates.length) yield updates.shift()!;
    if (settled) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
  const outcome = await outcomePromise;
  let result = outcome.result;
  if (tool && !outcome.error) {
    const after = await guard.afterToolCall({ ...guarded, input }, result, signal);
    for (const event of after.events) yield event;
    result = after.result;
  }
  yield end(result, outcome.error);
  return result;
}
