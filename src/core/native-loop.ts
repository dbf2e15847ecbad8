import {
  type AgentEventBody,
  type ArkyError,
  addUsage,
  cancelledError,
  computeCost,
  emptyUsage,
  type Message,
  type ModelPrice,
  type StopReason,
  serializeError,
  stopReason,
  type ToolUseBlock,
  type Usage,
} from "../protocol/index.js";
import type { ModelProvider, RetryPolicy, TurnRequest } from "../provider/index.js";
import { callModel } from "./model-call.js";
import { runToolCalls } from "./run-tools.js";

/** Settings of the native loop (see `native()` for the user-facing options). */
export interface NativeLoopSettings {
  provider: ModelProvider;
  system?: string;
  /** Most model calls in one turn. */
  maxTurns: number;
  maxOutputTokens?: number;
  thinking?: { budgetTokens: number };
  temperature?: number;
  retry: RetryPolicy;
  prices?: Readonly<Record<string, ModelPrice>>;
}

/**
 * Arky's own agent loop for one turn, as a plain function: call the model → run the
 * tools it asks for → feed the results back → until the model stops, `maxTurns` model
 * calls were made, or the signal aborts. Yields event bodies ending with exactly one
 * `turn-end`; never throws.
 */
export async function* runNativeTurn(
  request: TurnRequest,
  settings: NativeLoopSettings,
): AsyncGenerator<AgentEventBody> {
  const started = performance.now();
  const { signal } = request;
  const messages: Message[] = [...request.history, request.input];
  let usage: Usage = emptyUsage();
  let costUsd: number | undefined = 0;
  let modelCalls = 0;

  const end = (reason: StopReason, error?: ArkyError): AgentEventBody => ({
    type: "turn-end",
    stopReason: reason,
    usage,
    costUsd,
    durationMs: performance.now() - started,
    modelCalls,
    ...(error ? { error: serializeError(error) } : {}),
  });
  const fail = function* (error: ArkyError): Generator<AgentEventBody> {
    if (error.code === "cancelled") {
      yield end(stopReason("cancelled"), error);
      return;
    }
    yield { type: "error", error: serializeError(error), fatal: true };
    yield end(stopReason(error.code === "context-overflow" ? "context-overflow" : "error"), error);
  };

  for (;;) {
    if (signal.aborted) return yield* fail(cancelledError(signal.reason));
    if (modelCalls >= settings.maxTurns) return yield end(stopReason("max-turns"));
    modelCalls++;
    const outcome = yield* callModel({
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
    });
    if (!outcome.ok) return yield* fail(outcome.error);
    usage = addUsage(usage, outcome.usage);
    const callCost = computeCost(outcome.model, outcome.usage, settings.prices);
    costUsd = costUsd === undefined || callCost === undefined ? undefined : costUsd + callCost;
    messages.push(outcome.message);

    const calls = outcome.message.content.filter((b): b is ToolUseBlock => b.type === "tool-use");
    if (calls.length === 0) {
      // A paused turn continues with the same conversation; anything else ends it.
      if (outcome.stopReason.unified === "pause-turn") continue;
      return yield end(outcome.stopReason);
    }
    const results = yield* runToolCalls({ calls, tools: request.tools, guard: request.guard, signal });
    messages.push({ role: "user", content: results });
  }
}
