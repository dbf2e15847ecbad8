import { describe, expect, it } from "vitest";
import type { AgentEventBody, AssistantMessage, ToolResultBlock } from "../../src/protocol/index.js";
import { ConversationBuilder, rebuildMessages } from "../../src/session/index.js";
import { stamp, textTurn, toolTurn } from "./events.js";

const stop = { unified: "tool-use" as const, raw: "tool_use" };
const zero = { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 };

function messageEnd(message: AssistantMessage): AgentEventBody {
  return { type: "message-end", messageId: "m", message, stopReason: stop, usage: zero };
}

function toolEnd(id: string, text: string): AgentEventBody {
  const result: ToolResultBlock = { type: "tool-result", toolUseId: id, content: [{ type: "text", text }] };
  return { type: "tool-execution-end", toolCallId: id, toolName: "t", result, durationMs: 1 };
}

const twoCalls: AssistantMessage = {
  role: "assistant",
  content: [
    { type: "text", text: "Running two tools." },
    { type: "tool-use", id: "call_a", name: "t", input: {} },
    { type: "tool-use", id: "call_b", name: "t", input: {} },
  ],
};

describe("rebuildMessages", () => {
  it("rebuilds turn inputs, assistant messages and tool results from a stored log", () => {
    const events = [
      ...stamp("s", toolTurn("Weather?")),
      ...stamp("s", textTurn("Thanks"), { firstSeq: 12, turnId: "turn_2" }),
    ];
    const messages = rebuildMessages(events);
    expect(messages.map((m) => m.role)).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
    ]);
    const toolTurnBodies = toolTurn("Weather?");
    expect(messages[0]).toEqual((toolTurnBodies[1] as { input: unknown }).input);
    expect(messages[1]).toEqual((toolTurnBodies[5] as { message: unknown }).message);
    expect(messages[2]).toEqual({
      role: "user",
      content: [{ type: "tool-result", toolUseId: "toolu_1", content: [{ type: "text", text: "sunny 21" }] }],
    });
    expect(messages[3]).toEqual({ role: "assistant", content: [{ type: "text", text: "Sunny, 21°C." }] });
    expect(messages[4]).toEqual({ role: "user", content: [{ type: "text", text: "Thanks" }] });
    expect(messages[5]).toEqual({ role: "assistant", content: [{ type: "text", text: "OK" }] });
  });

  it("takes a blocked stop's reason as the next user message, also from sessions that ran it as a new turn", () => {
    const answer = (text: string): AgentEventBody =>
      messageEnd({ role: "assistant", content: [{ type: "text", text }] });
    const block: AgentEventBody = {
      type: "hook-decision",
      hook: "h",
      hookEvent: "onStop",
      decision: "block",
      reason: "run the tests first",
    };
    const input = (text: string): AgentEventBody => ({
      type: "turn-start",
      input: { role: "user", content: [{ type: "text", text }] },
    });
    const expected = [
      { role: "user", content: [{ type: "text", text: "work" }] },
      { role: "assistant", content: [{ type: "text", text: "done?" }] },
      { role: "user", content: [{ type: "text", text: "run the tests first" }] },
      { role: "assistant", content: [{ type: "text", text: "now done" }] },
    ];
    // Now: one turn goes on after the block.
    expect(rebuildMessages([input("work"), answer("done?"), block, answer("now done")])).toEqual(expected);
    // Before: the follow-up was a second turn whose input repeated the reason.
    const end = {
      type: "turn-end",
      stopReason: { unified: "end-turn" },
      usage: zero,
      durationMs: 1,
      modelCalls: 1,
    };
    const older = [
      input("work"),
      answer("done?"),
      block,
      end,
      input("run the tests first"),
      answer("now done"),
    ];
    expect(rebuildMessages(older as AgentEventBody[])).toEqual(expected);
  });

  it("groups the results of one message into one user message, in call order", () => {
    const messages = rebuildMessages([
      { type: "turn-start", input: { role: "user", content: [{ type: "text", text: "go" }] } },
      messageEnd(twoCalls),
      toolEnd("call_b", "B finished first"),
      toolEnd("call_a", "A"),
      messageEnd({ role: "assistant", content: [{ type: "text", text: "done" }] }),
    ]);
    expect(messages).toHaveLength(4);
    expect(messages[2]).toEqual({
      role: "user",
      content: [
        { type: "tool-result", toolUseId: "call_a", content: [{ type: "text", text: "A" }] },
        { type: "tool-result", toolUseId: "call_b", content: [{ type: "text", text: "B finished first" }] },
      ],
    });
  });

  it("ignores deltas of a message that never completed", () => {
    const messages = rebuildMessages([
      { type: "turn-start", input: { role: "user", content: [{ type: "text", text: "hi" }] } },
      { type: "message-start", messageId: "m1", role: "assistant" },
      { type: "message-delta", messageId: "m1", delta: { kind: "text", index: 0, text: "Half an ans" } },
      { type: "error", error: { code: "connection", message: "reset", retryable: true }, fatal: true },
    ]);
    expect(messages).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
  });

  it("closes a tool call left without a result so the API accepts the history", () => {
    const messages = rebuildMessages([
      { type: "turn-start", input: { role: "user", content: [{ type: "text", text: "go" }] } },
      messageEnd(twoCalls),
      toolEnd("call_a", "A"),
    ]);
    expect(messages[2]).toMatchObject({
      role: "user",
      content: [
        { toolUseId: "call_a", content: [{ type: "text", text: "A" }] },
        { toolUseId: "call_b", isError: true },
      ],
    });
  });

  it("leaves out a sub-agent's events", () => {
    const parent = stamp("s", [
      { type: "turn-start", input: { role: "user", content: [{ type: "text", text: "delegate" }] } },
      messageEnd({
        role: "assistant",
        content: [{ type: "tool-use", id: "call_sub", name: "agent", input: {} }],
      }),
    ]);
    const sub = stamp("s", textTurn("sub-agent prompt"), { firstSeq: 3, parentToolCallId: "call_sub" });
    const end = stamp("s", [toolEnd("call_sub", "sub-agent answer")], { firstSeq: 7 });
    const messages = rebuildMessages([...parent, ...sub, ...end]);
    expect(messages).toHaveLength(3);
    expect(JSON.stringify(messages)).not.toContain("sub-agent prompt");
    expect(messages[2]).toMatchObject({ content: [{ toolUseId: "call_sub" }] });
  });

  it("gives the same history live (one event at a time) as rebuilt at once", () => {
    const events = [...stamp("s", toolTurn("x")), ...stamp("s", textTurn("y"), { firstSeq: 12 })];
    const builder = new ConversationBuilder();
    for (const event of events) builder.add(event);
    expect(builder.build()).toEqual(rebuildMessages(events));
    expect(rebuildMessages([])).toEqual([]);
  });
});
