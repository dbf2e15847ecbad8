import {
  type AgentEventBody,
  type ArkyError,
  type AssistantMessage,
  cancelledError,
  computeCost,
  emptyUsage,
  type ModelPrice,
  type StopReason,
  serializeError,
  stopReason,
  toArkyError,
  type Usage,
} from "../protocol/index.js";
import {
  type ModelProvider,
  type ModelRequest,
  type ModelStreamEvent,
  type RetryPolicy,
  retryDelay,
  sleep,
} from "../provider/index.js";

/** The outcome of one model call, after retries. */
export type ModelCallOutcome =
  | { ok: true; message: AssistantMessage; stopReason: StopReason; usage: Usage; model: string }
  | { ok: false; error: ArkyError; usage?: Usage; model?: string };

/** Options of {@link callModel}. */
export interface CallModelOptions {
  provider: ModelProvider;
  request: ModelRequest;
  retry: RetryPolicy;
  signal: AbortSignal;
  prices?: Readonly<Record<string, ModelPrice>>;
  /** Receives the call's events as they happen. */
  emit: (event: AgentEventBody) => void;
}

/**
 * Makes one model call, retrying retryable failures that happened before any content
 * was streamed, and translates the provider's stream into agent events. `message-start`
 * is held back until the first content arrives, so a retried attempt leaves no trace but
 * its `retry` event. Returns the outcome; never throws.
 */
export async function callModel(options: CallModelOptions): Promise<ModelCallOutcome> {
  const { provider, request, retry, signal, emit } = options;
  for (let attempt = 1; ; attempt++) {
    let pendingStart: AgentEventBody | undefined;
    let messageId = "";
    const toolNames = new Map<number, string>();
    let failure: ArkyError | undefined;
    let partial: { usage: Usage; model: string } | undefined;
    let streamed = false;
    // The text streamed so far, per content block: kept as an incomplete message if the call fails.
    const texts = new Map<number, string>();
    try {
      stream: for await (const batch of batches(provider, request, signal))
        for (const part of batch) {
          switch (part.type) {
            case "message-start":
              messageId = part.messageId;
              pendingStart = { type: "message-start", messageId, role: "assistant", model: part.model };
              break;
            case "text-delta":
            case "thinking-delta":
            case "tool-input-delta":
              if (pendingStart) {
                emit(pendingStart);
                pendingStart = undefined;
              }
              streamed = true;
              if (part.type === "text-delta")
                texts.set(part.index, (texts.get(part.index) ?? "") + part.text);
              emit({
                type: "message-delta",
                messageId,
                delta:
                  part.type === "tool-input-delta"
                    ? {
                        kind: "tool-input",
                        index: part.index,
                        toolCallId: part.toolCallId,
                        toolName: toolNames.get(part.index) ?? "",
                        partialJson: part.partialJson,
                      }
                    : {
                        kind: part.type === "text-delta" ? "text" : "thinking",
                        index: part.index,
                        text: part.text,
                      },
              });
              break;
            case "tool-input-start":
              toolNames.set(part.index, part.toolName);
              break;
            case "finish": {
              if (pendingStart) emit(pendingStart);
              const { message, stopReason, usage, model } = part;
              emit({ type: "message-end", messageId, message, stopReason, usage, model });
              emit({ type: "usage", model, usage, costUsd: computeCost(model, usage, options.prices) });
              return { ok: true, message, stopReason, usage, model };
            }
            case "error":
              failure = part.error;
              partial = part.partial;
              streamed ||= part.contentStreamed;
              break;
            default:
              break;
          }
          if (failure) break stream;
        }
    } catch (thrown) {
      // The provider contract forbids throwing; classify rather than crash if one does.
      failure = toArkyError(thrown);
    }
    // What a call that ends here had reported is counted (a retried attempt is not: its usage is unknown).
    const failed = (error: ArkyError): ModelCallOutcome => {
      const kept = incompleteMessage(messageId, texts, partial, signal.aborted);
      if (kept) emit(kept);
      if (!partial) return { ok: false, error };
      const { usage, model } = partial;
      emit({ type: "usage", model, usage, costUsd: computeCost(model, usage, options.prices) });
      return { ok: false, error, usage, model };
    };
    if (signal.aborted) return failed(cancelledError(signal.reason));
    failure ??= toArkyError(new Error("The model stream ended without a result."), "malformed-response");
    const delay = streamed ? undefined : retryDelay(failure, attempt, retry);
    if (delay === undefined) return failed(failure);
    emit({
      type: "retry",
      attempt,
      maxAttempts: retry.maxAttempts,
      delayMs: delay,
      error: serializeError(failure),
    });
    try {
      await sleep(delay, signal);
    } catch {
      // The sleep only rejects when the signal aborts: the retry wait is cancelled.
      return { ok: false, error: cancelledError(signal.reason) };
    }
  }
}

/**
 * The `message-end` (marked `incomplete`) of a call that failed or was cancelled after text
 * was streamed: the user saw that text, so the conversation keeps it, and a later turn
 * sends it to the model as the assistant's (cut) answer. Only text is kept: a thinking block
 * is unusable without its signature and a tool call without its whole input.
 */
function incompleteMessage(
  messageId: string,
  texts: ReadonlyMap<number, string>,
  partial: { usage: Usage; model: string } | undefined,
  cancelled: boolean,
): AgentEventBody | undefined {
  const content = [...texts]
    .filter(([, text]) => text.trim() !== "")
    .sort(([a], [b]) => a - b)
    .map(([, text]) => ({ type: "text" as const, text }));
  if (content.length === 0) return undefined;
  return {
    type: "message-end",
    messageId,
    message: { role: "assistant", content },
    stopReason: stopReason(cancelled ? "cancelled" : "error"),
    usage: partial?.usage ?? emptyUsage(),
    model: partial?.model,
    incomplete: true,
  };
}

/** The provider's events in groups: its batch fast path when it has one, else one by one. */
function batches(
  provider: ModelProvider,
  request: ModelRequest,
  signal: AbortSignal,
): AsyncIterable<readonly ModelStreamEvent[]> {
  if (provider.streamBatches) return provider.streamBatches(request, { signal });
  return singles(provider.stream(request, { signal }));
}

async function* singles(
  events: AsyncIterable<ModelStreamEvent>,
): AsyncGenerator<readonly ModelStreamEvent[]> {
  for await (const event of events) yield [event];
}
