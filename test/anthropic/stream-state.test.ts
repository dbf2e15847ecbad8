// Unit tests of the pure event accumulator, for protocol violations the scripted server
// has no step for.
import { describe, expect, it } from "vitest";
import { ArkyError } from "../../src/protocol/index.js";
import { AnthropicToolNames } from "../../src/providers/anthropic/anthropic-prepare-tools.js";
import { AnthropicStreamState } from "../../src/providers/anthropic/anthropic-stream-state.js";

function state() {
  const s = new AnthropicStreamState(new AnthropicToolNames());
  s.accept({ type: "message_start", message: { id: "msg_1", model: "m", usage: { input_tokens: 1 } } });
  return s;
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return ArkyError.isArkyError(error) ? error.code : `not an ArkyError: ${String(error)}`;
  }
  return undefined;
}

describe("AnthropicStreamState", () => {
  it("rejects a message_start without an id", () => {
    const s = new AnthropicStreamState(new AnthropicToolNames());
    expect(codeOf(() => s.accept({ type: "message_start", message: { model: "m" } }))).toBe(
      "malformed-response",
    );
  });

  it("rejects a delta for a block that never started, and a delta of the wrong kind", () => {
    const s = state();
    expect(
      codeOf(() =>
        s.accept({ type: "content_block_delta", index: 3, delta: { type: "text_delta", text: "x" } }),
      ),
    ).toBe("malformed-response");
    s.accept({ type: "content_block_start", index: 0, content_block: { type: "text", text: "" } });
    expect(
      codeOf(() =>
        s.accept({
          type: "content_block_delta",
          index: 0,
          delta: { type: "input_json_delta", partial_json: "{" },
        }),
      ),
    ).toBe("malformed-response");
    expect(codeOf(() => s.accept({ type: "content_block_delta", index: 0, delta: null }))).toBe(
      "malformed-response",
    );
  });

  it("skips unknown block kinds with their deltas, pings and unknown events", () => {
    const s = state();
    expect(
      s.accept({
        type: "content_block_start",
        index: 0,
        content_block: { type: "server_tool_use", id: "s" },
      }),
    ).toBeUndefined();
    expect(
      s.accept({
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json: "{}" },
      }),
    ).toBeUndefined();
    expect(s.accept({ type: "content_block_stop", index: 0 })).toBeUndefined();
    expect(s.accept({ type: "brand_new_event" })).toBeUndefined();
    s.accept({
      type: "content_block_start",
      index: 1,
      content_block: { type: "redacted_thinking", data: "xyz" },
    });
    s.accept({ type: "content_block_stop", index: 1 });
    expect(s.content()).toEqual([{ type: "redacted-thinking", data: "xyz" }]);
  });

  it("takes message_delta usage as cumulative, overriding message_start", () => {
    const s = state();
    s.accept({
      type: "message_delta",
      delta: { stop_reason: "end_turn" },
      usage: { output_tokens: 9, input_tokens: 5, cache_read_input_tokens: 2 },
    });
    expect(s.usage).toEqual({
      inputTokens: 5,
      outputTokens: 9,
      cacheReadInputTokens: 2,
      cacheCreationInputTokens: 0,
    });
    expect(s.stopReason).toEqual({ unified: "end-turn", raw: "end_turn" });
  });

  it("an empty tool input is {}; text in content_block_start counts as a delta", () => {
    const s = state();
    expect(
      s.accept({ type: "content_block_start", index: 0, content_block: { type: "text", text: "pre" } }),
    ).toEqual([
      { type: "text-start", index: 0 },
      { type: "text-delta", index: 0, text: "pre" },
    ]);
    s.accept({
      type: "content_block_start",
      index: 1,
      content_block: { type: "tool_use", id: "t", name: "n", input: {} },
    });
    s.accept({ type: "content_block_stop", index: 1 });
    expect(s.content()).toEqual([
      { type: "text", text: "pre" },
      { type: "tool-use", id: "t", name: "n", input: {} },
    ]);
    expect(s.contentStreamed).toBe(true);
  });
});
