import {
  ArkyError,
  type AssistantContent,
  type AssistantMessage,
  cancelledError,
  classifyHttpError,
  newId,
  type Usage,
} from "../protocol/index.js";
import type { ModelCallOptions, ModelProvider, ModelRequest, ModelStreamEvent } from "../provider/index.js";
import { sleep } from "../provider/index.js";
import { anthropicErrorBody, anthropicErrorType } from "./anthropic/error-types.js";
import type { ScriptedBlock, ScriptStep } from "./script.js";
import { retryAfterHeaders, stopReasonOf } from "./script-helpers.js";
import { defaultTextChunks, splitText } from "./split.js";

/** Options of {@link scriptedProvider}. */
export interface ScriptedProviderOptions {
  /** Steps, one per model call, in order; or a function choosing the step per request. */
  script: ScriptStep[] | ((request: ModelRequest, index: number) => ScriptStep);
  /** Model id reported (default `scripted-model`). */
  model?: string;
}

/** A scripted provider: a {@link ModelProvider} plus what it received. */
export interface ScriptedProvider extends ModelProvider {
  /** Every request received, in order. */
  readonly requests: ModelRequest[];
  /** Steps not consumed yet (array scripts only). */
  readonly remaining: number;
  /** Throws when steps remain unconsumed or a request came after the script ended. */
  assertDone(): void;
}

/**
 * An in-process {@link ModelProvider} that answers from a script, for tests of the agent
 * loop that need no HTTP. The same {@link ScriptStep}s drive the HTTP scripted model
 * server; HTTP errors and faults become the classified errors the real provider would
 * report. For tests of a provider or of a CLI runtime, use the HTTP server instead.
 */
export function scriptedProvider(options: ScriptedProviderOptions): ScriptedProvider {
  const model = options.model ?? "scripted-model";
  const requests: ModelRequest[] = [];
  const steps = Array.isArray(options.script) ? [...options.script] : undefined;
  let unexpected = 0;

  const next = (request: ModelRequest, index: number): ScriptStep | undefined => {
    if (!steps) return (options.script as (r: ModelRequest, i: number) => ScriptStep)(request, index);
    return steps.shift();
  };

  return {
    specificationVersion: "v1",
    provider: "scripted",
    modelId: model,
    requests,
    get remaining() {
      return steps?.length ?? 0;
    },
    assertDone() {
      if (unexpected > 0)
        throw new Error(`The scripted model received ${unexpected} request(s) after its script ended.`);
      if (steps && steps.length > 0)
        throw new Error(`The scripted model has ${steps.length} unused step(s).`);
    },
    async *stream(
      request: ModelRequest,
      callOptions: ModelCallOptions = {},
    ): AsyncGenerator<ModelStreamEvent> {
      requests.push(structuredClone(request) as ModelRequest);
      const step = next(request, requests.length - 1);
      const signal = callOptions.signal;
      try {
        if (!step) {
          unexpected++;
          yield {
            type: "error",
            error: new ArkyError({
              code: "server-error",
              message: "The scripted model's script is exhausted.",
            }),
            contentStreamed: false,
          };
          return;
        }
        if (step.delayMs) await sleep(step.delayMs, signal);
        if (step.kind === "http-error") {
          const headers = retryAfterHeaders(step);
          const type = step.errorType ?? anthropicErrorType(step.status);
          const body = anthropicErrorBody(type, step.message ?? "scripted error");
          yield {
            type: "error",
            error: classifyHttpError({ status: step.status, body, headers, provider: "scripted" }),
            contentStreamed: false,
          };
          return;
        }
        const messageId = newId("msg");
        yield {
          type: "message-start",
          messageId,
          model: step.kind === "fault" ? model : (step.model ?? model),
        };
        if (step.kind === "fault") {
          yield* faultEvents(step, signal);
          return;
        }
        const content: AssistantContent[] = [];
        for (const [index, block] of step.content.entries()) {
          content.push(yield* blockEvents(block, index, step.chunkDelayMs, signal));
        }
        const message: AssistantMessage = { role: "assistant", content };
        const usage: Usage = {
          inputTokens: step.usage?.inputTokens ?? 10,
          outputTokens: step.usage?.outputTokens ?? 5,
          cacheReadInputTokens: step.usage?.cacheReadInputTokens ?? 0,
          cacheCreationInputTokens: step.usage?.cacheCreationInputTokens ?? 0,
        };
        yield { type: "finish", message, stopReason: stopReasonOf(step), usage, model: step.model ?? model };
      } catch (error) {
        if (signal?.aborted)
          yield { type: "error", error: cancelledError(signal.reason), contentStreamed: true };
        else throw error;
      }
    },
  };
}

async function* blockEvents(
  block: ScriptedBlock,
  index: number,
  chunkDelayMs: number | undefined,
  signal: AbortSignal | undefined,
): AsyncGenerator<ModelStreamEvent, AssistantContent> {
  const pause = async () => {
    if (chunkDelayMs) await sleep(chunkDelayMs, signal);
    else if (signal?.aborted) throw signal.reason;
  };
  if (block.type !== "tool-use") {
    const kind = block.type;
    const text = kind === "text" ? block.text : block.thinking;
    yield { type: `${kind}-start`, index };
    for (const piece of splitText(text, block.chunks ?? defaultTextChunks(text))) {
      await pause();
      yield { type: `${kind}-delta`, index, text: piece };
    }
    yield { type: `${kind}-end`, index };
    return block.type === "text"
      ? { type: "text", text }
      : { type: "thinking", thinking: text, signature: block.signature ?? "c2NyaXB0ZWQ=" };
  }
  const toolCallId = block.id ?? newId("toolu");
  yield { type: "tool-input-start", index, toolCallId, toolName: block.name };
  for (const partialJson of splitText(JSON.stringify(block.input), block.chunks ?? 2)) {
    await pause();
    yield { type: "tool-input-delta", index, toolCallId, partialJson };
  }
  yield { type: "tool-input-end", index, toolCallId };
  return { type: "tool-use", id: toolCallId, name: block.name, input: block.input };
}

async function* faultEvents(
  step: Extract<ScriptStep, { kind: "fault" }>,
  signal: AbortSignal | undefined,
): AsyncGenerator<ModelStreamEvent> {
  const before = step.textBefore ?? "partial ";
  if (step.fault === "hang") {
    await new Promise<never>((_, reject) => {
      if (signal?.aborted) reject(signal.reason);
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  }
  if (step.fault === "stream-error") {
    const body = anthropicErrorBody(step.errorType ?? "overloaded_error", "scripted stream error");
    const error = classifyHttpError({ body, provider: "scripted" });
    yield { type: "error", error, contentStreamed: false };
    return;
  }
  yield { type: "text-start", index: 0 };
  yield { type: "text-delta", index: 0, text: before };
  const error =
    step.fault === "reset"
      ? new ArkyError({ code: "connection", message: "The connection was reset mid-stream (scripted)." })
      : new ArkyError({
          code: "malformed-response",
          message:
            step.fault === "truncated"
              ? "The response stream ended before the message was complete (scripted)."
              : "The response stream carried a line that is not JSON (scripted).",
        });
  yield { type: "error", error, contentStreamed: true };
}
