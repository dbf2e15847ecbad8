import type { Usage } from "./usage.js";

/**
 * Prices in US dollars per million tokens. Cache writes are the 5-minute cache price.
 */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

function price(input: number, output: number): ModelPrice {
  return { input, output, cacheRead: input * 0.1, cacheWrite: input * 1.25 };
}

/**
 * List prices of Claude models, matched by id prefix (so dated ids such as
 * `claude-sonnet-4-5-20250929` find their family). Longest prefix wins. Pass your own
 * table to {@link computeCost} for negotiated prices or other providers.
 */
export const CLAUDE_PRICES: Readonly<Record<string, ModelPrice>> = {
  "claude-opus-5": price(5, 25),
  "claude-opus-4-6": price(5, 25),
  "claude-opus-4-5": price(5, 25),
  "claude-opus-4-1": price(15, 75),
  "claude-opus-4": price(15, 75),
  "claude-sonnet-5": price(3, 15),
  "claude-sonnet-4-5": price(3, 15),
  "claude-sonnet-4": price(3, 15),
  "claude-3-7-sonnet": price(3, 15),
  "claude-haiku-4-5": price(1, 5),
  "claude-3-5-haiku": price(0.8, 4),
  "claude-3-haiku": price(0.25, 1.25),
};

/** Finds the price of a model by the longest matching id prefix, or `undefined`. */
export function findModelPrice(
  modelId: string,
  table: Readonly<Record<string, ModelPrice>> = CLAUDE_PRICES,
): ModelPrice | undefined {
  let best: string | undefined;
  for (const prefix of Object.keys(table)) {
    if (modelId.startsWith(prefix) && (best === undefined || prefix.length > best.length)) best = prefix;
  }
  return best === undefined ? undefined : table[best];
}

/**
 * The cost in US dollars of a usage on a model, including cache reads and writes.
 * Returns `undefined` when the model has no known price (cost is then unknown, not zero).
 */
export function computeCost(
  modelId: string,
  usage: Usage,
  table: Readonly<Record<string, ModelPrice>> = CLAUDE_PRICES,
): number | undefined {
  const p = findModelPrice(modelId, table);
  if (!p) return undefined;
  return (
    (usage.inputTokens * p.input +
      usage.outputTokens * p.output +
      usage.cacheReadInputTokens * p.cacheRead +
      usage.cacheCreationInputTokens * p.cacheWrite) /
    1_000_000
  );
}
