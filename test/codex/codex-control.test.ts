import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../src/core/index.js";
import type { AgentEvent } from "../../src/protocol/index.js";
import type { CodexRuntime } from "../../src/providers/codex/index.js";
import { InMemorySessionStore } from "../../src/session/index.js";
import { textReply } from "../../src/testing/index.js";
import {
  type CodexFixture,
  codexFixture,
  codexProcesses,
  inputText,
  lastUserText,
  ofType,
} from "./helpers.js";

// Answers by prompt, so concurrent sessions get their own replies whatever the arrival order.
let fx: CodexFixture;
let runtime: CodexRuntime;
beforeAll(async () => {
  fx = await codexFixture((request) => {
    const text = lastUserText(request.body);
    if (text.startsWith("SLOW"))
      return {
        content: [{ type: "text", text: `${text} ${"word ".repeat(30)}`, chunks: 30 }],
        chunkDelayMs: 60,
      };
    return textReply(`echo: ${text}`);
  });
  runtime = fx.runtime();
});
afterAll(async () => {
  await fx.cleanup();
  expect(codexProcesses(fx.home)).toEqual([]);
});

describe("CodexRuntime control", () => {
  it("interrupts a streaming turn (signal) and breaking out of the loop; the session goes on", async () => {
    const agent = new Agent({ runtime });
    const controller = new AbortController();
    const events: AgentEvent[] = [];
    for await (const event of agent.stream("SLOW one", { signal: controller.signal })) {
      events.push(event);
      if (event.type === "message-delta") controller.abort();
    }
    const end = events.at(-1)!;
    expect(end).toMatchObject({ type: "turn-end", stopReason: { unified: "cancelled" } });
    expect(ofType(events, "message-end")[0]).toMatchObject({ stopReason: { unified: "cancelled" } });

    for await (const event of agent.stream("SLOW two")) if (event.type === "message-delta") break;
    const result = await agent.prompt("after");
    expect(result.text).toBe("echo: after");
    expect(inputText(fx.server.requests.at(-1)!.body)).toContain("turn_aborted");
    await agent.close();
  });

  it("runs two sessions' turns concurrently in one process, events routed by thread", async () => {
    const pid = await runtime.pid();
    const a = new Agent({ runtime });
    const b = new Agent({ runtime });
    const seen: string[] = [];
    const run = async (agent: Agent, name: string, prompt: string) => {
      let text = "";
      for await (const event of agent.stream(prompt)) {
        if (event.type === "message-delta" && event.delta.kind === "text") {
          seen.push(name);
          text += event.delta.text;
        }
      }
      return text;
    };
    const [textA, textB] = await Promise.all([run(a, "A", "SLOW alpha"), run(b, "B", "SLOW beta")]);
    expect(textA.startsWith("SLOW alpha")).toBe(true);
    expect(textB.startsWith("SLOW beta")).toBe(true);
    const firstB = seen.indexOf("B");
    expect(firstB).toBeGreaterThan(-1);
    expect(seen.lastIndexOf("A")).toBeGreaterThan(firstB);
    expect(await runtime.pid()).toBe(pid);
    await a.close();
    await b.close();
  });

  it("resumes a session's thread in a new app server process, with its history", async () => {
    const store = new InMemorySessionStore();
    const first = fx.runtime();
    const agent = new Agent({ runtime: first, store });
    await agent.prompt("remember the number 7");
    const firstPid = await first.pid();
    const threadId = first.getState(agent.sessionId)?.threadId;
    expect(typeof threadId).toBe("string");
    await first.close();
    expect(codexProcesses(fx.home)).not.toContain(firstPid);

    const second = fx.runtime();
    const resumed = await Agent.resume(agent.sessionId, { runtime: second, store });
    const result = await resumed.prompt("which number?");
    expect(result.text).toBe("echo: which number?");
    // The usage Codex replays for the previous turn on resume is not counted again.
    expect(result.usage.outputTokens).toBe(Math.ceil("echo: which number?".length / 4));
    expect(await second.pid()).not.toBe(firstPid);
    expect(second.getState(agent.sessionId)).toEqual({ threadId });
    expect(inputText(fx.server.requests.at(-1)!.body)).toContain("remember the number 7");
    await resumed.close();
  });

  it("forks a session into a new thread that carries the parent's history", async () => {
    const store = new InMemorySessionStore();
    const agent = new Agent({ runtime, store });
    await agent.prompt("the parent says blue");
    const fork = await Agent.fork(agent.sessionId, { runtime, store });
    await fork.prompt("fork question");
    expect(inputText(fx.server.requests.at(-1)!.body)).toContain("the parent says blue");
    const parentThread = runtime.getState(agent.sessionId)?.threadId;
    const forkThread = runtime.getState(fork.sessionId)?.threadId;
    expect(forkThread).toBeDefined();
    expect(forkThread).not.toBe(parentThread);
    await agent.prompt("parent again");
    expect(inputText(fx.server.requests.at(-1)!.body)).not.toContain("fork question");
    await agent.close();
    await fork.close();
  });

  it("refuses a fork that cuts the thread's turns, and starts a new thread for one before them", async () => {
    const store = new InMemorySessionStore();
    const agent = new Agent({ runtime, store });
    const first: AgentEvent[] = [];
    for await (const event of agent.stream("the parent says red")) first.push(event);
    await agent.prompt("the parent says green");
    await agent.close();
    const atSeq = first.find((e) => e.type === "turn-end")!.seq;
    await expect(Agent.fork(agent.sessionId, { runtime, store, atSeq })).rejects.toMatchObject({
      code: "capability-unsupported",
    });
    expect(await store.list()).toHaveLength(1);
    const fresh = await Agent.fork(agent.sessionId, { runtime, store, atSeq: 1 });
    await fresh.prompt("fresh question");
    expect(inputText(fx.server.requests.at(-1)!.body)).not.toContain("the parent says");
    await fresh.close();
  });

  it("switches the model of one session for later turns", async () => {
    const agent = new Agent({ runtime });
    await agent.prompt("first");
    await agent.setModel("arky-other-model");
    await agent.prompt("second");
    expect((fx.server.requests.at(-1)!.body as { model: string }).model).toBe("arky-other-model");
    await agent.close();
  });
});
