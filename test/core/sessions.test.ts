import { describe, expect, it } from "vitest";
import { Agent, ArkyError, InMemorySessionStore, native, type ToolCallGuard } from "../../src/index.js";
import { textReply, toolCallReply } from "../../src/testing/script.js";
import { scriptedProvider } from "../../src/testing/scripted-provider.js";
import { addTool, collect } from "./helpers.js";

describe("Agent sessions", () => {
  it("resumes a stored session with its conversation and continues its seq", async () => {
    const store = new InMemorySessionStore();
    const first = new Agent({
      runtime: native(scriptedProvider({ script: [textReply("remembered")] })),
      store,
    });
    await first.prompt("remember this");
    const lastSeq = (await store.get(first.sessionId))!.lastSeq;

    const provider = scriptedProvider({ script: [textReply("yes")] });
    const resumed = await Agent.resume(first.sessionId, { runtime: native(provider), store });
    const events = await collect(resumed.stream("do you remember?"));
    expect(events[0]!.seq).toBe(lastSeq + 1);
    expect(events.some((e) => e.type === "session-start")).toBe(false);
    expect(provider.requests[0]!.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(JSON.stringify(provider.requests[0]!.messages[1])).toContain("remembered");
  });

  it("forks a session at a seq into a new, linked session", async () => {
    const store = new InMemorySessionStore();
    const agent = new Agent({
      runtime: native(scriptedProvider({ script: [textReply("a"), textReply("b")] })),
      store,
    });
    await agent.prompt("one");
    const atSeq = (await store.get(agent.sessionId))!.lastSeq;
    await agent.prompt("two");

    const provider = scriptedProvider({ script: [textReply("c")] });
    const fork = await Agent.fork(agent.sessionId, { runtime: native(provider), store, atSeq });
    expect(fork.sessionId).not.toBe(agent.sessionId);
    await fork.prompt("three");
    expect(provider.requests[0]!.messages.map((m) => JSON.stringify(m))).toEqual([
      expect.stringContaining("one"),
      expect.stringContaining('"a"'),
      expect.stringContaining("three"),
    ]);
    const meta = await store.get(fork.sessionId);
    expect(meta).toMatchObject({ parentSessionId: agent.sessionId, forkedAtSeq: atSeq });
  });

  it("stamps events and the store's times with the clocks it is given", async () => {
    let time = 1_000;
    const store = new InMemorySessionStore({ now: () => 5_000 });
    const agent = new Agent({
      runtime: native(scriptedProvider({ script: [textReply("a")] })),
      store,
      now: () => time++,
    });
    const events = await collect(agent.stream("one"));
    expect(events.map((e) => e.timestamp)).toEqual(events.map((_, i) => 1_000 + i));
    expect(await store.get(agent.sessionId)).toMatchObject({ createdAt: 5_000, updatedAt: 5_000 });
  });

  it("throws session-not-found when resuming an unknown session", async () => {
    const error = await Agent.resume("missing", {
      runtime: native(scriptedProvider({ script: [] })),
      store: new InMemorySessionStore(),
    }).catch((e: unknown) => e);
    expect(ArkyError.isArkyError(error) && error.code).toBe("session-not-found");
  });

  it("replays the stored events, with or without deltas", async () => {
    const agent = new Agent({
      runtime: native(
        scriptedProvider({ script: [{ content: [{ type: "text", text: "a long answer", chunks: 4 }] }] }),
      ),
    });
    const live = await collect(agent.stream("hi"));
    expect(await collect(agent.replay())).toEqual(live);
    const lean = await collect(agent.replay({ excludeDeltas: true }));
    expect(lean.some((e) => e.type === "message-delta")).toBe(false);
    expect(lean.length).toBeLessThan(live.length);
  });

  it("records session-end on close and refuses new turns", async () => {
    const agent = new Agent({ runtime: native(scriptedProvider({ script: [textReply("a")] })) });
    await agent.prompt("hi");
    await agent.close();
    const stored = await collect(agent.replay());
    expect(stored.at(-1)?.type).toBe("session-end");
    await expect(agent.prompt("again")).rejects.toMatchObject({ code: "configuration" });
  });

  it("says which runtime lacks a capability", async () => {
    const agent = new Agent({ runtime: native(scriptedProvider({ script: [] })) });
    await expect(agent.setModel("other")).rejects.toMatchObject({ code: "capability-unsupported" });
  });

  it("consults the guard: a denied call never runs and the model sees the reason", async () => {
    let ran = false;
    const guard: ToolCallGuard = {
      async beforeToolCall(call) {
        return {
          decision: "deny",
          reason: `no ${call.toolName} today`,
          events: [
            {
              type: "permission-decision",
              toolCallId: call.toolCallId,
              toolName: call.toolName,
              decision: "deny",
              source: "callback",
              reason: "test",
            },
          ],
        };
      },
      async afterToolCall(_call, result) {
        return { result, events: [] };
      },
    };
    const spy = {
      ...addTool,
      execute: () => {
        ran = true;
        return "2";
      },
    };
    const provider = scriptedProvider({ script: [toolCallReply("add", { a: 1, b: 1 }), textReply("ok")] });
    const agent = new Agent({ runtime: native(provider), tools: [spy], guard });
    const events = await collect(agent.stream("hi"));
    expect(ran).toBe(false);
    expect(events.map((e) => e.type)).toContain("permission-decision");
    expect(events.some((e) => e.type === "tool-execution-start")).toBe(false);
    expect(JSON.stringify(provider.requests[1]!.messages.at(-1))).toContain("no add today");
  });
});
