import type Anthropic from "@anthropic-ai/sdk";
import { ArkyError, type AssistantMessage } from "../../protocol/index.js";
import type {
  ModelCallOptions,
  ModelProvider,
  ModelRequest,
  ModelStreamEvent,
  ThinkingOptions,
} from "../../provider/index.js";
import { malformedResponse, toAnthropicError } from "./anthropic-error.js";
import { AnthropicToolNames, prepareAnthropicTools } from "./anthropic-prepare-tools.js";
import { applyPromptCaching } from "./anthropic-prompt-caching.js";
import {
  type EndpointConfig,
  type MessagesEndpoint,
  messagesEndpoint,
  postMessages,
} from "./anthropic-request.js";
import { readAnthropicSse } from "./anthropic-sse.js";
import { AnthropicStreamState } from "./anthropic-stream-state.js";
import { convertToAnthropicMessages } from "./convert-to-anthropic-messages.js";
import { StreamWatchdog } from "./stream-watchdog.js";

/** Options of {@link anthropic}. */
export interface AnthropicProviderOptions {
  /** Model id, e.g. `claude-sonnet-5-5`. */
  model: string;
  /** API key. Default: `ANTHROPIC_API_KEY`. */
  apiKey?: string;
  /** API origin, without `/v1`. Default: `ANTHROPIC_BASE_URL`, else the public API. */
  baseURL?: string;
  /** Output token limit when a request sets none (default 8192). */
  maxOutputTokens?: number;
  /** Extended thinking for every call that does not set its own. */
  thinking?: ThinkingOptions;
  /**
   * Mark prompt-cache breakpoints on the system prompt, the tools and the latest
   * message, so each call of a loop reads the previous prefix from the cache
   * (`cacheReadInputTokens` in the usage). Default false.
   */
  promptCaching?: boolean;
  /** Extra HTTP headers on every request (e.g. `anthropic-beta`). */
  headers?: Record<string, string>;
  /**
   * How long the API may stay silent, in milliseconds: until the response headers, and
   * then between stream events. Default: 10 minutes until the headers, then 5 minutes
   * between stream events; `Infinity` waits forever. A silent API ends the call with `timeout`.
   */
  timeoutMs?: number;
  /**
   * Send requests through this `fetch` (for a proxy agent, instrumentation, a test double)
   * instead of Node's own HTTP client. With `NODE_USE_ENV_PROXY` set, the global `fetch` is
   * used, so the environment's proxy applies.
   */
  fetch?: typeof globalThis.fetch;
}

const DEFAULT_MAX_OUTPUT_TOKENS = 8192;

// This SDK's types no longer list sampling parameters; the API still takes `temperature`
// for the models that support it, so a caller's explicit value is sent as given.
type MessageParams = Anthropic.MessageCreateParamsStreaming & { temperature?: number };

/**
 * The Anthropic Messages API as a {@link ModelProvider}. The official SDK supplies the
 * endpoint, the auth, API-version and client headers and the wire types; each call is one
 * HTTP request (Node's client on a keep-alive pool, or the `fetch` option) whose SSE body
 * Arky parses itself. There are no SDK retries: Arky's loop retries
 * and reports each retry as an event.
 *
 * @throws ArkyError `configuration` when no API key is given or set in the environment.
 *
 * @example
 * const provider = anthropic({ model: "claude-sonnet-5-5" });
 * for await (const event of provider.stream({ messages, tools: [] })) { … }
 */
export function anthropic(options: AnthropicProviderOptions): AnthropicProvider {
  return new AnthropicProvider(options);
}

/** See {@link anthropic}. */
export class AnthropicProvider implements ModelProvider {
  readonly specificationVersion = "v1";
  readonly provider = "anthropic";
  readonly modelId: string;
  readonly #endpointConfig: EndpointConfig;
  #endpoint: MessagesEndpoint | undefined;
  readonly #maxOutputTokens: number;
  readonly #thinking: ThinkingOptions | undefined;
  readonly #timeoutMs: number | undefined;
  readonly #promptCaching: boolean;
  readonly #fetch: typeof globalThis.fetch | undefined;

  constructor(options: AnthropicProviderOptions) {
    if (!options?.model)
      throw new ArkyError({
        code: "configuration",
        message: "anthropic() needs a model id.",
        correction: "Pass one, e.g. anthropic({ model: 'claude-sonnet-5-5' }).",
      });
    const apiKey = options.apiKey ?? process.env.ANTHROPIC_API_KEY;
    if (!apiKey)
      throw new ArkyError({
        code: "configuration",
        message: "No Anthropic API key: neither the `apiKey` option nor ANTHROPIC_API_KEY is set.",
        correction: "Set the ANTHROPIC_API_KEY environment variable or pass anthropic({ model, apiKey }).",
      });
    this.modelId = options.model;
    this.#maxOutputTokens = options.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
    this.#thinking = options.thinking;
    this.#timeoutMs = options.timeoutMs;
    this.#promptCaching = options.promptCaching ?? false;
    // Decided once: with NODE_USE_ENV_PROXY, Node's fetch is the client that applies the proxy.
    this.#fetch = options.fetch ?? (process.env.NODE_USE_ENV_PROXY ? globalThis.fetch : undefined);
    this.#endpointConfig = {
      apiKey,
      baseURL: options.baseURL ?? process.env.ANTHROPIC_BASE_URL,
      headers: options.headers,
    };
  }

  /** Streams one model call. Never throws: every failure ends the stream with an `error` event. */
  async *stream(request: ModelRequest, options: ModelCallOptions = {}): AsyncIterable<ModelStreamEvent> {
    for await (const batch of this.#run(request, options.signal)) for (const part of batch) yield part;
  }

  /** The same events as {@link stream}, one array per network chunk (the loop's fast path). */
  streamBatches(
    request: ModelRequest,
    options: ModelCallOptions = {},
  ): AsyncIterable<readonly ModelStreamEvent[]> {
    return this.#run(request, options.signal);
  }

  async *#run(request: ModelRequest, signal: AbortSignal | undefined): AsyncGenerator<ModelStreamEvent[]> {
    const names = new AnthropicToolNames();
    const state = new AnthropicStreamState(names);
    const watchdog = new StreamWatchdog(this.#timeoutMs, signal);
    let drained = false;
    try {
      const params = buildOrReject(() => this.#params(request, names));
      // The raw response, parsed here: one async step per network chunk rather than the
      // SDK's nested async iterators per event (a benchmark streams 10,000 deltas).
      this.#endpoint ??= messagesEndpoint(this.#endpointConfig);
      const endpoint = this.#endpoint;
      const response = await postMessages(endpoint, JSON.stringify(params), watchdog.signal, this.#fetch);
      watchdog.headersReceived();
      for await (const batch of readAnthropicSse(response.body, response.headers)) {
        const parts: ModelStreamEvent[] = [];
        try {
          for (const event of batch) {
            // Nothing more after an abort, even from a batch already received.
            if (watchdog.signal.aborted) break;
            const out = state.accept(event);
            if (out === undefined) continue;
            if (Array.isArray(out)) for (const part of out) parts.push(part);
            else parts.push(out);
          }
        } catch (error) {
          // What arrived before a bad event is still delivered, then the failure.
          if (parts.length > 0) yield parts;
          throw error;
        }
        if (parts.length === 0) continue;
        watchdog.pause();
        yield parts;
        watchdog.resume();
      }
      drained = true;
      if (!state.stopped) throw malformedResponse("the stream ended before message_stop");
      const message: AssistantMessage = { role: "assistant", content: state.content() };
      yield [
        { type: "finish", message, stopReason: state.stopReason, usage: state.usage, model: state.model },
      ];
    } catch (error) {
      const failure =
        watchdog.timedOut && !signal?.aborted ? watchdog.error() : toAnthropicError(error, signal);
      const partial = state.model ? { usage: state.usage, model: state.model } : undefined;
      yield [{ type: "error", error: failure, contentStreamed: state.contentStreamed, partial }];
    } finally {
      // A fully read body needs no abort (aborting a finished fetch still costs its teardown);
      // otherwise the consumer stopped early or it failed: release the connection.
      if (drained) watchdog.dispose();
      else watchdog.release();
    }
  }

  #params(request: ModelRequest, names: AnthropicToolNames): MessageParams {
    const thinking = request.thinking ?? this.#thinking;
    let maxTokens = request.maxOutputTokens ?? this.#maxOutputTokens;
    // The API requires max_tokens above the thinking budget.
    if (thinking && "budgetTokens" in thinking && maxTokens <= thinking.budgetTokens)
      maxTokens = thinking.budgetTokens + maxTokens;
    const params: MessageParams = {
      model: this.modelId,
      max_tokens: maxTokens,
      messages: convertToAnthropicMessages(request.messages, names),
      stream: true,
    };
    if (request.system) params.system = request.system;
    if (request.tools.length > 0) params.tools = prepareAnthropicTools(request.tools, names);
    if (thinking)
      params.thinking =
        "budgetTokens" in thinking
          ? { type: "enabled", budget_tokens: thinking.budgetTokens }
          : { type: "adaptive" };
    // Thinking only allows the default temperature; without it, an explicit one is passed through.
    else if (request.temperature !== undefined) params.temperature = request.temperature;
    if (request.stopSequences?.length) params.stop_sequences = request.stopSequences;
    return this.#promptCaching ? applyPromptCaching(params) : params;
  }
}

/** Runs the request conversion; a failure there is the caller's malformed request. */
function buildOrReject<T>(build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (ArkyError.isArkyError(error)) throw error;
    throw new ArkyError({
      code: "invalid-request",
      message: `Invalid model request: ${error instanceof Error ? error.message : String(error)}`,
      correction: "Pass `messages` as an array of Arky messages and `tools` as an array of tool specs.",
      cause: error,
    });
  }
}
