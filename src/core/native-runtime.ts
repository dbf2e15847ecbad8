import { ArkyError, type ModelPrice } from "../protocol/index.js";
import {
  type AgentRuntime,
  type ModelProvider,
  type RetryPolicy,
  resolveRetryPolicy,
  type ThinkingOptions,
  type TurnRequest,
} from "../provider/index.js";
import { runNativeTurn } from "./native-loop.js";

/** Options of the native runtime. */
export interface NativeRuntimeOptions {
  /** System prompt sent with every model call. */
  system?: string;
  /** Most model calls in one turn (default 25). */
  maxTurns?: number;
  /** Output token limit per model call (default: the provider's). */
  maxOutputTokens?: number;
  /** Extended thinking with a token budget. */
  thinking?: ThinkingOptions;
  temperature?: number;
  /** Retries of failed model calls (exponential backoff with jitter, honouring `retry-after`). */
  retry?: Partial<RetryPolicy>;
  /** Prices for cost computation (default: Claude list prices). */
  prices?: Readonly<Record<string, ModelPrice>>;
}

/**
 * Arky's own agent loop over a {@link ModelProvider}: `runtime: native(anthropic({ model }))`.
 * Keeps no per-session state: the conversation comes from the session's events.
 */
export function native(provider: ModelProvider, options: NativeRuntimeOptions = {}): AgentRuntime {
  if (!provider || typeof provider.stream !== "function") {
    throw new ArkyError({
      code: "configuration",
      message: "native() needs a model provider, e.g. native(anthropic({ model: 'claude-sonnet-5-5' })).",
    });
  }
  const maxTurns = options.maxTurns ?? 25;
  if (!Number.isInteger(maxTurns) || maxTurns < 1) {
    throw new ArkyError({
      code: "configuration",
      message: `maxTurns must be a positive integer, got ${maxTurns}.`,
    });
  }
  let current = provider;
  const settings = { ...options, maxTurns, retry: resolveRetryPolicy(options.retry) };
  return {
    kind: "native",
    get model() {
      return current.modelId;
    },
    runTurn: (request: TurnRequest) => runNativeTurn(request, { ...settings, provider: current }),
    async setModel(_sessionId: string, model: string) {
      if (!current.withModel) {
        throw new ArkyError({
          code: "capability-unsupported",
          message: `The ${current.provider} provider cannot switch models; create the agent with another provider.`,
        });
      }
      current = current.withModel(model);
    },
  };
}
