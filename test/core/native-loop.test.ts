import { describe, expect, it } from "vitest";
import { z } from "zod";
import { Agent, ArkyError, tool } from "../../src/index.js";
import { textReply, toolCallReply } from "../../src/testing/script.js";
import { addTool, collect, scriptedAgent, types } from "./helpers.js";

describe("native loop: text and tools", () => {
  it("streams a text turn with ordered, gap-free events and a terminal turn-end", async () => {
    const { agent, provider } = scriptedAgent([
      textReply("Hello there, world!", { usage: { inputTokens: 100, outputTokens: 20 } }),
    ]);
    const events = await collect(agent.stream("hi"));
    expect(types(events)).toEqual([
      "session-start",
      "turn-start",
      "message-start",
      "message-delta",
      "message-delta",
      "message-end",
      "usage",
      "turn-end",
    ]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(new Set(events.map((e) => e.sessionId))).toEqual(new Set([agent.sessionId]));
    const turnIds = new Set(events.slice(1).map((e) => e.turnId));
    expect(turnIds.size).toBe(1);
    const deltas = events.flatMap((e) =>
      e.type === "message-delta" && e.delta.kind === "text" ? [e.delta.text] : [],
    );
    expect(deltas.join("")).toBe("Hello there, world!");
    const end = events.at(-1)!;
    if (end.type !== "turn-end") throw new Error("no turn-end");
    expect(end.stopReason).toEqual({ unified: "end-turn", raw: "end_turn" });
    expect(end.usage.inputTokens).toBe(100);
    // claude-sonnet-4-5: $3 in / $15 out per million tokens.
    expect(end.costUsd).toBeCloseTo((100 * 3 + 20 * 15) / 1e6, 12);
    const stored = await collect(agent.store.read(agent.sessionId));
    expect(stored).toEqual(events);
    provider.assertDone();
  });

  it("runs a tool, feeds the result back and continues until the model stops", async () => {
    const { agent, provider } = scriptedAgent(
      [toolCallReply("add", { a: 2, b: 3 }, { id: "toolu_1" }), textReply("5")],
      {
        tools: [addTool],
      },
    );
    const result = await agent.prompt("add 2 and 3");
    expect(result.text).toBe("5");
    expect(result.stopReason.unified).toBe("end-turn");
    const second = provider.requests[1]!;
    expect(second.messages.at(-1)).toEqual({
      role: "user",
      content: [{ type: "tool-result", toolUseId: "toolu_1", content: [{ type: "text", text: "5" }] }],
    });
    expect(second.tools.map((t) => t.name)).toEqual(["add"]);
    expect(result.messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
  });

  it("streams tool-input deltas that reassemble to the tool input", async () => {
    const { agent } = scriptedAgent([toolCallReply("add", { a: 20, b: 22 }), textReply("42")], {
      tools: [addTool],
    });
    const events = await collect(agent.stream("go"));
    const json = events
      .flatMap((e) =>
        e.type === "message-delta" && e.delta.kind === "tool-input" ? [e.delta.partialJson] : [],
      )
      .join("");
    expect(JSON.parse(json)).toEqual({ a: 20, b: 22 });
    const start = events.find((e) => e.type === "tool-execution-start");
    expect(start).toMatchObject({ toolName: "add", input: { a: 20, b: 22 } });
  });

  it("continues the conversation on a second prompt", async () => {
    const { agent, provider } = scriptedAgent([textReply("first"), textReply("second")]);
    await agent.prompt("one");
    const result = await agent.prompt("two");
    expect(result.text).toBe("second");
    expect(provider.requests[1]!.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(agent.messages).toHaveLength(4);
    const all = await collect(agent.store.read(agent.sessionId));
    expect(all.filter((e) => e.type === "session-start")).toHaveLength(1);
    expect(all.filter((e) => e.type === "turn-end")).toHaveLength(2);
  });

  it("stops at maxTurns with stop reason max-turns", async () => {
    const { agent } = scriptedAgent(
      [toolCallReply("add", { a: 1, b: 1 }), toolCallReply("add", { a: 1, b: 1 }), textReply("never")],
      { tools: [addTool], runtime: { maxTurns: 2 } },
    );
    const result = await agent.prompt("loop");
    expect(result.stopReason.unified).toBe("max-turns");
  });

  it("runs concurrency-safe tools of one message at the same time", async () => {
    let release!: () => void;
    const bothStarted = new Promise<void>((r) => {
      release = r;
    });
    let started = 0;
    const latch = tool({
      name: "latch",
      description: "waits until both calls have started",
      input: z.object({}),
      readOnly: true,
      timeoutMs: 5_000,
      execute: async () => {
        if (++started === 2) release();
        await bothStarted;
        return "ok";
      },
    });
    const { agent } = scriptedAgent(
      [
        {
          content: [
            { type: "tool-use", name: "latch", input: {} },
            { type: "tool-use", name: "latch", input: {} },
          ],
        },
        textReply("done"),
      ],
      { tools: [latch] },
    );
    const events = await collect(agent.stream("go"));
    const ends = events.filter((e) => e.type === "tool-execution-end");
    expect(ends).toHaveLength(2);
    for (const end of ends) if (end.type === "tool-execution-end") expect(end.result.isError).toBeUndefined();
  });

  it("runs mutating tools one after another, each result recorded before the next starts", async () => {
    const log: string[] = [];
    const step = tool({
      name: "step",
      description: "records its start and end",
      input: z.object({ n: z.number() }),
      execute: async ({ n }) => {
        log.push(`start ${n}`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`end ${n}`);
        return String(n);
      },
    });
    const { agent } = scriptedAgent(
      [
        {
          content: [
            { type: "tool-use", name: "step", input: { n: 1 } },
            { type: "tool-use", name: "step", input: { n: 2 } },
          ],
        },
        textReply("ok"),
      ],
      { tools: [step] },
    );
    const seen: string[] = [];
    agent.subscribe((e) => {
      if (e.type === "tool-execution-end") seen.push(`stored ${e.toolCallId}`);
    });
    await agent.prompt("go");
    expect(log).toEqual(["start 1", "end 1", "start 2", "end 2"]);
    expect(seen).toHaveLength(2);
  });

  it("rejects a second concurrent turn with a session-conflict error", async () => {
    const { agent } = scriptedAgent([textReply("slow", { delayMs: 50 })]);
    const first = agent.prompt("one");
    await expect(agent.prompt("two")).rejects.toMatchObject({ code: "session-conflict" });
    await first;
  });

  it("requires a runtime, with a configuration error that says how to pass one", () => {
    let caught: unknown;
    try {
      new Agent({} as never);
    } catch (error) {
      caught = error;
    }
    expect(ArkyError.isArkyError(caught) && caught.code).toBe("configuration");
    expect((caught as ArkyError).correction).toMatch(/runtime/);
  });
});
