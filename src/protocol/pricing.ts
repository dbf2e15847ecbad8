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
 * List prices of Claude models (USD per million tokens), as published by Anthropic in
 * November 2026. Keys are model families; {@link findModelPrice} maps dated, Bedrock and
 * Vertex ids onto them. A model missing here has an unknown cost (not zero): pass your
 * own table to {@link computeCost} for it, or for negotiated prices.
 */
export const CLAUDE_PRICES: Readonly<Record<string, ModelPrice>> = {
  "claude-fable-5-1": price(10, 50),
  "claude-opus-5-5": price(4, 20),
  "claude-opus-5": price(5, 25),
  "claude-sonnet-5-5": price(2, 10),
  "claude-sonnet-5": price(2, 10),
  "claude-opus-4-5": price(5, 25),
  "claude-opus-4-1": price(15, 75),
  "claude-opus-4": price(15, 75),
  "claude-sonnet-4-5": price(3, 15),
  "claude-sonnet-4": price(3, 15),
  "claude-3-7-sonnet": price(3, 15),
  "claude-haiku-4-5": price(1, 5),
  "claude-3-5-haiku": price(0.8, 4),
  "claude-3-haiku": price(0.25, 1.25),
};

/**
 * The family of a model id: without a provider prefix (`anthropic.`, `us.anthropic.`),
 * a date (`-20250929`, `@20250929`), a Bedrock version (`-v1:0`) or `-latest`.
 */
export function modelFamily(modelId: string): string {
  return modelId
    .replace(/^(?:[a-z]{2,4}\.)?anthropic\./, "")
    .replace(/-v\d+(?::\d+)?$/, "")
    .replace(/[-@]\d{8}$/, "")
    .replace(/-latest$/, "");
}

/**
 * Finds the price of a model by its family ({@link modelFamily}), or `undefined`. Only an
 * exact family matches: `claude-opus-4-6` does not take the price of `claude-opus-4`.
 */
export function findModelPrice(
  modelId: string,
  table: Readonly<Record<string, ModelPrice>> = CLAUDE_PRICES,
): ModelPrice | undefined {
  if (Object.hasOwn(table, modelId)) return table[modelId];
  const family = modelFamily(modelId);
  return Object.hasOwn(table, family) ? table[family] : undefined;
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
