import type { ArkyError, AssistantMessage, Message, StopReason, Usage } from "../protocol/index.js";
import type { ToolSpec } from "../tools/index.js";

/**
 * How the model thinks before answering:
 * - `{ budgetTokens }`: extended thinking with a token budget (older models such as
 *   Claude Sonnet 4.5; newer ones reject a manual budget);
 * - `{ adaptive: true }`: the model decides how much to think (Claude Sonnet 5 and later).
 */
export type ThinkingOptions = { budgetTokens: number } | { adaptive: true };

/** One model call's request, provider-neutral. */
export interface ModelRequest {
  /** System prompt. */
  system?: string;
  messages: readonly Message[];
  tools: readonly ToolSpec[];
  /** Output token limit for this call. */
  maxOutputTokens?: number;
  /** Thinking: a token budget or adaptive (see {@link ThinkingOptions}). */
  thinking?: ThinkingOptions;
  temperature?: number;
  stopSequences?: string[];
}

/**
 * What a model call streams. Block lifecycles are `*-start`, `*-delta`…, `*-end`, keyed
 * by `index` (the block's position in the message). The stream ends with exactly one
 * `finish` or one `error`.
 */
export type ModelStreamEvent =
  | { type: "message-start"; messageId: string; model: string }
  | { type: "text-start"; index: number }
  | { type: "text-delta"; index: number; text: string }
  | { type: "text-end"; index: number }
  | { type: "thinking-start"; index: number }
  | { type: "thinking-delta"; index: number; text: string }
  | { type: "thinking-end"; index: number }
  | { type: "tool-input-start"; index: number; toolCallId: string; toolName: string }
  | { type: "tool-input-delta"; index: number; toolCallId: string; partialJson: string }
  | { type: "tool-input-end"; index: number; toolCallId: string }
  | {
      type: "finish";
      /** The complete message, tool inputs parsed. */
      message: AssistantMessage;
      stopReason: StopReason;
      usage: Usage;
      model: string;
    }
  | {
      type: "error";
      error: ArkyError;
      /**
       * Whether any content (`*-delta`) was streamed before the failure. A retry of a
       * call that already streamed content would show the user duplicated text.
       */
      contentStreamed: boolean;
      /**
       * What the call had reported before it failed or was cancelled (the Anthropic API
       * reports input tokens at `message_start`), so the turn can count it; absent when the
       * call reported nothing.
       */
      partial?: { usage: Usage; model: string };
    };

/** Per-call options. */
export interface ModelCallOptions {
  signal?: AbortSignal;
}

/**
 * A model API. Makes one model call per `stream` invocation; knows nothing of tool
 * execution, hooks or sessions.
 *
 * Contract: once invoked, `stream` must not throw, neither synchronously nor from the
 * iterator. Every failure (HTTP error, malformed stream, dropped connection, abort) is
 * delivered as a final `error` event with a classified {@link ArkyError}; an abort
 * gives code `cancelled`. Leaving the iteration early (`return()`) must release the
 * underlying connection.
 */
export interface ModelProvider {
  readonly specificationVersion: "v1";
  /** Provider name, e.g. `anthropic`. */
  readonly provider: string;
  /** The model id requests use. */
  readonly modelId: string;
  stream(request: ModelRequest, options?: ModelCallOptions): AsyncIterable<ModelStreamEvent>;
  /**
   * Optional fast path: the same events as `stream`, grouped in arrays as they arrive
   * (one per network chunk), so a consumer pays one async step per group rather than per
   * delta. Same contract as `stream` otherwise.
   */
  streamBatches?(
    request: ModelRequest,
    options?: ModelCallOptions,
  ): AsyncIterable<readonly ModelStreamEvent[]>;
  /** Optional: the same provider on another model (used by `agent.setModel()`). */
  withModel?(modelId: string): ModelProvider;
}
