import type { AgentEventBody, ToolResultBlock, ToolUseBlock } from "../protocol/index.js";
import type { TurnRequest } from "../provider/index.js";

/**
 * Runs the tool calls of one assistant message through the turn's `runTool`: concurrently
 * when every tool of the batch allows it, otherwise one after another, each starting only
 * once the previous result is stored (`checkpoint`). Returns every call's result (denied,
 * failed and cancelled ones included) in the calls' order.
 */
export async function runToolCalls(
  request: Pick<TurnRequest, "tools" | "runTool" | "signal">,
  calls: readonly ToolUseBlock[],
  emit: (event: AgentEventBody) => void,
  checkpoint: () => Promise<void>,
): Promise<ToolResultBlock[]> {
  const { tools, signal } = request;
  const runOne = (call: ToolUseBlock) =>
    request.runTool({ id: call.id, name: call.name, input: call.input }, { signal, emit });
  await checkpoint();
  if (calls.length > 1 && calls.every((c) => tools.get(c.name)?.concurrencySafe === true))
    return Promise.all(calls.map(runOne));
  const results: ToolResultBlock[] = [];
  for (const call of calls) {
    results.push(await runOne(call));
    await checkpoint();
  }
  return results;
}
