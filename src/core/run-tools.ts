import type { AgentEventBody, ToolResultBlock, ToolUseBlock } from "../protocol/index.js";
import type { TurnTools } from "../provider/index.js";
import type { ToolRegistry } from "../tools/index.js";

/** What {@link runToolCalls} needs. */
export interface RunToolCallsOptions {
  calls: readonly ToolUseBlock[];
  tools: ToolRegistry;
  /** The turn's tool path (guard → validate → execute → after-hooks, with its events). */
  runTool: TurnTools["runTool"];
  signal: AbortSignal;
  /** Receives the events as they happen. */
  emit: (event: AgentEventBody) => void;
  /** Resolves once every event emitted so far is stored (the durability checkpoint). */
  checkpoint: () => Promise<void>;
}

/**
 * Runs the tool calls of one assistant message through the turn's `runTool`.
 * Runs them concurrently when every tool of the batch allows it, otherwise one after
 * another, each starting only once the previous result is stored. Returns the results in
 * the calls' order. Every call gets a result, including denied, failed and cancelled ones.
 */
export async function runToolCalls(options: RunToolCallsOptions): Promise<ToolResultBlock[]> {
  const { calls, tools, signal, emit } = options;
  const runOne = (call: ToolUseBlock) =>
    options.runTool({ id: call.id, name: call.name, input: call.input }, { signal, emit });
  await options.checkpoint();
  const concurrent = calls.length > 1 && calls.every((c) => tools.get(c.name)?.concurrencySafe === true);
  if (concurrent) return Promise.all(calls.map(runOne));
  const results: ToolResultBlock[] = [];
  for (const call of calls) {
    results.push(await runOne(call));
    await options.checkpoint();
  }
  return results;
}
