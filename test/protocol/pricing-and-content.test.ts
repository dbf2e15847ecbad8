import { describe, expect, it } from "vitest";
import {
  addUsage,
  CLAUDE_PRICES,
  computeCost,
  emptyUsage,
  findModelPrice,
  type ModelPrice,
  modelFamily,
  newId,
  newSessionId,
  stopReason,
  textOf,
  toUserMessage,
  type Usage,
  type UserContent,
  type UserMessage,
} from "../../src/protocol/index.js";

const million = (input: number, output = 0, cacheRead = 0, cacheWrite = 0): Usage => ({
  inputTokens: input * 1_000_000,
  outputTokens: output * 1_000_000,
  cacheReadInputTokens: cacheRead * 1_000_000,
  cacheCreationInputTokens: cacheWrite * 1_000_000,
});

describe("computeCost", () => {
  it("prices dated, Bedrock and Vertex ids by their model family", () => {
    expect(computeCost("claude-sonnet-4-5-20250929", million(1, 1))).toBeCloseTo(3 + 15);
    expect(computeCost("claude-3-5-haiku-20241022", million(1, 1))).toBeCloseTo(0.8 + 4);
    expect(computeCost("anthropic.claude-sonnet-4-5-20250929-v1:0", million(1))).toBeCloseTo(3);
    expect(computeCost("us.anthropic.claude-opus-4-1-20250805-v1:0", million(1))).toBeCloseTo(15);
    expect(computeCost("claude-opus-4-5@20251101", million(1))).toBeCloseTo(5);
    expect(modelFamily("claude-sonnet-5-5-latest")).toBe("claude-sonnet-5-5");
  });

  it("matches whole families only, so a newer model never takes an older one's price", () => {
    expect(computeCost("claude-opus-4-5-20251101", million(1))).toBeCloseTo(5);
    expect(computeCost("claude-opus-4-20250514", million(1))).toBeCloseTo(15);
    expect(computeCost("claude-opus-5-5", million(1, 1))).toBeCloseTo(4 + 20);
    expect(computeCost("claude-sonnet-5-5", million(1, 1))).toBeCloseTo(2 + 10);
    expect(computeCost("claude-opus-4-6", million(1))).toBeUndefined();
    const table: Record<string, ModelPrice> = {
      m: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 },
      "m-large": { input: 10, output: 10, cacheRead: 0, cacheWrite: 0 },
    };
    expect(computeCost("m-large", million(1), table)).toBe(10);
    expect(computeCost("m-large-20260101", million(1), table)).toBe(10);
    expect(computeCost("m-small", million(1), table)).toBeUndefined();
  });

  it("prices cache reads at a tenth and cache writes at 1.25 times the input price", () => {
    expect(computeCost("claude-sonnet-4-5", million(0, 0, 1, 0))).toBeCloseTo(0.3);
    expect(computeCost("claude-sonnet-4-5", million(0, 0, 0, 1))).toBeCloseTo(3.75);
    const usage: Usage = {
      inputTokens: 1000,
      outputTokens: 500,
      cacheReadInputTokens: 2000,
      cacheCreationInputTokens: 400,
    };
    expect(computeCost("claude-haiku-4-5", usage)).toBeCloseTo(
      (1000 * 1 + 500 * 5 + 2000 * 0.1 + 400 * 1.25) / 1e6,
    );
  });

  it("returns undefined for an unknown model, and zero for no tokens", () => {
    expect(computeCost("gpt-5", million(1))).toBeUndefined();
    expect(findModelPrice("my-claude-sonnet-4")).toBeUndefined();
    expect(computeCost("claude-sonnet-4", emptyUsage())).toBe(0);
  });

  it("has a sane table: output costs more than input, cache reads less", () => {
    for (const [model, price] of Object.entries(CLAUDE_PRICES)) {
      expect(price.output, model).toBeGreaterThan(price.input);
      expect(price.cacheRead, model).toBeLessThan(price.input);
      expect(price.cacheWrite, model).toBeGreaterThan(price.input);
    }
  });
});

describe("usage", () => {
  it("adds usages field by field without mutating them", () => {
    const a = million(1, 2, 3, 4);
    const b = million(1, 1, 1, 1);
    expect(addUsage(a, b)).toEqual(million(2, 3, 4, 5));
    expect(a).toEqual(million(1, 2, 3, 4));
    expect(emptyUsage()).not.toBe(emptyUsage());
  });
});

describe("toUserMessage", () => {
  it("wraps a string into one text block", () => {
    expect(toUserMessage("hi")).toEqual({ role: "user", content: [{ type: "text", text: "hi" }] });
    expect(toUserMessage("")).toEqual({ role: "user", content: [{ type: "text", text: "" }] });
  });

  it("wraps a list of blocks", () => {
    const blocks: UserContent[] = [
      { type: "text", text: "look" },
      { type: "image", source: { type: "url", url: "https://example.invalid/a.png" } },
    ];
    expect(toUserMessage(blocks)).toEqual({ role: "user", content: blocks });
  });

  it("passes a whole message through", () => {
    const message: UserMessage = { role: "user", content: [{ type: "text", text: "x" }] };
    expect(toUserMessage(message)).toBe(message);
  });
});

describe("textOf", () => {
  it("joins text blocks and leaves out thinking and tool calls", () => {
    expect(
      textOf({
        content: [
          { type: "thinking", thinking: "hmm" },
          { type: "text", text: "Hello, " },
          { type: "tool-use", id: "t1", name: "add", input: {} },
          { type: "text", text: "world" },
        ],
      }),
    ).toBe("Hello, world");
    expect(textOf({ content: [] })).toBe("");
  });
});

describe("ids and stop reasons", () => {
  it("makes unique, prefixed ids and UUID session ids", () => {
    const ids = new Set(Array.from({ length: 100 }, () => newId("turn")));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^turn_[0-9a-f]{20}$/);
    expect(newSessionId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("builds runtime stop reasons without a raw value", () => {
    expect(stopReason("max-turns")).toEqual({ unified: "max-turns", raw: undefined });
    expect(stopReason("end-turn", "end_turn")).toEqual({ unified: "end-turn", raw: "end_turn" });
  });
});
