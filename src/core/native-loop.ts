import {
  type AgentEventBody,
  type ArkyError,
  addUsage,
  cancelledError,
  computeCost,
  emptyUsage,
  type Message,
  type StopReason,
  stopReason,
  type ToolUseBlock,
  toArkyError,
  type Usage,
} from "../protocol/index.js";
import { EventQueue } from "../provider/event-queue.js";
import {
  failedTurnEnd,
  inputError,
  type ModelProvider,
  type RetryPolicy,
  type TurnRequest,
} from "../provider/index.js";
import { callModel } from "./model-call.js";
import type { NativeRuntimeOptions } from "./native-runtime.js";
import { runToolCalls } from "./run-tools.js";

/** Settings of the native loop: `native()`'s options resolved, with the provider in use. */
export type NativeLoopSettings = Omit<NativeRuntimeOptions, "maxTurns" | "retry"> & {
  provider: ModelProvider;
  maxTurns: number;
  retry: RetryPolicy;
};

/**
 * Arky's own agent loop for one turn: call the model → run the tools it asks for → feed
 * the results back → until the model stops, `maxTurns` model calls were made, or the
 * signal aborts. Returns the turn's events, ending with exactly one `turn-end`; never
 * throws. The loop runs as a plain async function pushing into a queue; before each tool
 * it waits until the events so far have been taken (and so stored) by the Agent.
 */
export function runNativeTurn(
  request: TurnRequest,
  settings: NativeLoopSettings,
): AsyncIterable<AgentEventBody> {
  const queue = new EventQueue<AgentEventBody>();
  void runLoop(request, settings, queue).finally(() => queue.end());
  return queue;
}

async function runLoop(
  request: TurnRequest,
  settings: NativeLoopSettings,
  queue: EventQueue<AgentEventBody>,
): Promise<void> {
  const started = performance.now();
  const { signal } = request;
  const emit = (event: AgentEventBody) => queue.push(event);
  const checkpoint = () => queue.drained();
  const messages: Message[] = [...request.history, request.input];
  let usage: Usage = emptyUsage();
  let costUsd: number | undefined = 0;
  let modelCalls = 0;

  const count = (used: Usage, model: string) => {
    usage = addUsage(usage, used);
    const callCost = computeCost(model, used, settings.prices);
    costUsd = costUsd === undefined || callCost === undefined ? undefined : costUsd + callCost;
  };
  const end = (reason: StopReason) =>
    emit({
      type: "turn-end",
      stopReason: reason,
      usage,
      costUsd,
      durationMs: performance.now() - started,
      modelCalls,
    });
  const fail = (error: ArkyError) => {
    const soFar = { usage, costUsd, durationMs: performance.now() - started, modelCalls };
    for (const event of failedTurnEnd(error, soFar)) emit(event);
  };

  const refused = inputError(request.input, true);
  if (refused) return fail(refused);
  try {
    for (;;) {
      if (signal.aborted) return fail(cancelledError(signal.reason));
      if (modelCalls >= settings.maxTurns) return end(stopReason("max-turns"));
      modelCalls++;
      const outcome = await callModel({
        provider: settings.provider,
        request: {
          system: settings.system,
          messages,
          tools: request.tools.specs(),
          maxOutputTokens: settings.maxOutputTokens,
          thinking: settings.thinking,
          temperature: settings.temperature,
        },
        retry: settings.retry,
        signal,
        prices: settings.prices,
        emit,
      });
      // A failed or cancelled call still counts what it reported it used.
      if (outcome.usage && outcome.model) count(outcome.usage, outcome.model);
      if (!outcome.ok) return fail(outcome.error);
      messages.push(outcome.message);

      const calls = outcome.message.content.filter((b): b is ToolUseBlock => b.type === "tool-use");
      if (calls.length === 0) {
        // A paused turn continues with the same conversation; anything else ends it.
        if (outcome.stopReason.unified === "pause-turn") continue;
        return end(outcome.stopReason);
      }
      const results = await runToolCalls(request, calls, emit, checkpoint);
      messages.push({ role: "user", content: results });
    }
  } catch (thrown) {
    // Everything above is meant not to throw (guards, tools and providers encode failures);
    // a bug must still end the turn rather than leave the Agent waiting forever.
    fail(signal.aborted ? cancelledError(signal.reason) : toArkyError(thrown));
  }
}
