import { describe, expect, it } from "vitest";
import { Agent, type AgentEvent, InMemorySessionStore, native } from "../../src/index.js";
import { textReply, toolCallReply } from "../../src/testing/script.js";
import { scriptedProvider } from "../../src/testing/scripted-provider.js";
import { addTool, collect } from "./helpers.js";

// Where a fork may cut a log, on every runtime: anywhere from 0 to the last seq, but not
// beyond it and not inside a message or a tool execution (refused, never snapped).

async function sessionWithTool() {
  const store = new InMemorySessionStore();
  const agent = new Agent({
    runtime: native(scriptedProvider({ script: [toolCallReply("add", { a: 1, b: 2 }), textReply("three")] })),
    tools: [addTool],
    permissions: { mode: "bypass" },
    store,
  });
  const events = await collect(agent.stream("add them"));
  await agent.close();
  const seqOf = (type: AgentEvent["type"], nth = 0) => events.filter((e) => e.type === type)[nth]!.seq;
  return { store, sessionId: agent.sessionId, events, seqOf };
}

const fork = (store: InMemorySessionStore, sessionId: string, atSeq: number) =>
  Agent.fork(sessionId, {
    runtime: native(scriptedProvider({ script: [textReply("forked")] })),
    store,
    atSeq,
  });

describe("Agent.fork at a seq", () => {
  it("refuses a seq beyond the log, and stores nothing", async () => {
    const { store, sessionId } = await sessionWithTool();
    const lastSeq = (await store.get(sessionId))!.lastSeq;
    await expect(fork(store, sessionId, lastSeq + 1)).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining(`its log ends at seq ${lastSeq}`),
      correction: expect.stringContaining(`from 0 to ${lastSeq}`),
    });
    expect(await store.list()).toHaveLength(1);
  });

  it("refuses a seq inside a message, naming the boundaries around it", async () => {
    const { store, sessionId, seqOf } = await sessionWithTool();
    const start = seqOf("message-start", 1);
    const end = seqOf("message-end", 1);
    for (const atSeq of [start, start + 1, end - 1]) {
      await expect(fork(store, sessionId, atSeq)).rejects.toMatchObject({
        code: "configuration",
        message: expect.stringContaining(`inside a message (seq ${start} to ${end})`),
        correction: `Fork at seq ${start - 1} (before it) or ${end} (after it).`,
      });
    }
    expect(await store.list()).toHaveLength(1);
  });

  it("refuses a seq inside a tool execution", async () => {
    const { store, sessionId, seqOf } = await sessionWithTool();
    const start = seqOf("tool-execution-start");
    await expect(fork(store, sessionId, start)).rejects.toMatchObject({
      code: "configuration",
      message: expect.stringContaining("inside a tool call"),
    });
  });

  it("forks at the boundaries: after a message, after a tool execution, at the end", async () => {
    const { store, sessionId, seqOf } = await sessionWithTool();
    const lastSeq = (await store.get(sessionId))!.lastSeq;
    for (const atSeq of [0, seqOf("message-end"), seqOf("tool-execution-end"), lastSeq]) {
      const forked = await fork(store, sessionId, atSeq);
      expect(await store.get(forked.sessionId)).toMatchObject({ forkedAtSeq: atSeq, lastSeq: atSeq });
      expect((await forked.prompt("go on")).text).toBe("forked");
    }
  });
});
