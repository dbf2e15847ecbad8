import { afterEach, describe, expect, it } from "vitest";
import { Agent, native } from "../../src/core/index.js";
import type { AgentEvent } from "../../src/protocol/index.js";
import { anthropic } from "../../src/providers/anthropic/index.js";
import { rebuildMessages } from "../../src/session/index.js";
import { type Script, type ScriptedModelServer, startScriptedModelServer } from "../../src/testing/index.js";

// A turn reports everything it used: all its model calls when an onStop hook made it go on,
// and what a cancelled model call had reported. The real Anthropic provider against the
// scripted server, so the usage comes from the wire (message_start, message_delta).

const MODEL = "claude-sonnet-4-5"; // $3 in / $15 out per million tokens
let server: ScriptedModelServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function runtimeFor(script: Script) {
  server = await startScriptedModelServer({ script });
  return native(anthropic({ model: MODEL, apiKey: "sk-test", baseURL: server.baseUrl }), {
    retry: { maxAttempts: 1 },
  });
}

const ofType = <T extends AgentEvent["type"]>(events: AgentEvent[], type: T) =>
  events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);

describe("a turn whose onStop hook blocks the stop", () => {
  const blockOnce = {
    onStop: ({ stopHookActive }: { stopHookActive: boolean }) =>
      stopHookActive ? undefined : { decision: "block" as const, reason: "run the tests first" },
  };
  const script: Script = [
    { content: [{ type: "text", text: "done?" }], usage: { inputTokens: 100, outputTokens: 10 } },
    { content: [{ type: "text", text: "now done" }], usage: { inputTokens: 200, outputTokens: 20 } },
  ];

  it("stays one turn whose turn-end sums both model calls", async () => {
    const agent = new Agent({ runtime: await runtimeFor(script), hooks: [blockOnce] });
    const events: AgentEvent[] = [];
    for await (const event of agent.stream("work")) events.push(event);
    expect(ofType(events, "turn-start")).toHaveLength(1);
    const ends = ofType(events, "turn-end");
    expect(ends).toHaveLength(1);
    expect(new Set(events.slice(1).map((e) => e.turnId)).size).toBe(1);
    expect(ends[0]).toMatchObject({
      stopReason: { unified: "end-turn" },
      modelCalls: 2,
      usage: { inputTokens: 300, outputTokens: 30 },
    });
    expect(ends[0]!.costUsd).toBeCloseTo((300 * 3 + 30 * 15) / 1e6, 12);
    // The model saw the hook's reason as the next message, and the stored session says so too.
    expect(JSON.stringify(server!.requests[1]!.body)).toContain("run the tests first");
    const stored = [];
    for await (const event of agent.store.read(agent.sessionId)) stored.push(event);
    expect(rebuildMessages(stored).map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    await agent.close();
  });

  it("makes prompt() report the usage and cost of every model call of the turn", async () => {
    const agent = new Agent({ runtime: await runtimeFor(script), hooks: [blockOnce] });
    const result = await agent.prompt("work");
    expect(result.text).toBe("now done");
    expect(result.usage).toMatchObject({ inputTokens: 300, outputTokens: 30 });
    expect(result.costUsd).toBeCloseTo((300 * 3 + 30 * 15) / 1e6, 12);
    await agent.close();
  });
});

describe("a cancelled model call", () => {
  it("counts the usage the stream had reported in the turn-end", async () => {
    const runtime = await runtimeFor([
      {
        content: [{ type: "text", text: "slow ".repeat(40), chunks: 40 }],
        chunkDelayMs: 100,
        usage: { inputTokens: 1234, outputTokens: 50 },
      },
    ]);
    const agent = new Agent({ runtime });
    const controller = new AbortController();
    const events: AgentEvent[] = [];
    for await (const event of agent.stream("talk slowly", { signal: controller.signal })) {
      events.push(event);
      if (event.type === "message-delta") controller.abort();
    }
    const end = events.at(-1);
    expect(end).toMatchObject({ type: "turn-end", stopReason: { unified: "cancelled" }, modelCalls: 1 });
    if (end?.type !== "turn-end") throw new Error("no turn-end");
    // message_start reported the input tokens; the output so far is not known to the client.
    expect(end.usage.inputTokens).toBe(1234);
    expect(end.costUsd).toBeGreaterThan(0);
    expect(ofType(events, "usage")).toMatchObject([{ usage: { inputTokens: 1234 } }]);
    await agent.close();
  });
});
