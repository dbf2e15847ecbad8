import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../src/core/index.js";
import { type AgentEvent, ArkyError } from "../../src/protocol/index.js";
import type { ClaudeCodeRuntime } from "../../src/providers/claude-code/index.js";
import { runtimeFor, startServer } from "./harness.js";

let harness: Awaited<ReturnType<typeof startServer>>;
let runtime: ClaudeCodeRuntime;
let agent: Agent;

beforeAll(async () => {
  harness = await startServer();
  runtime = runtimeFor(harness.server.baseUrl);
  agent = new Agent({ runtime });
});

afterAll(async () => {
  await agent?.close();
  await runtime?.close();
  await harness?.server.close();
});

const slow = () =>
  harness.answer(() => ({
    content: [
      {
        type: "text",
        text: "chunk0 chunk1 chunk2 chunk3 chunk4 chunk5 chunk6 chunk7 chunk8 chunk9",
        chunks: 10,
      },
    ],
    chunkDelayMs: 300,
  }));

describe("ClaudeCodeRuntime control (real claude CLI)", () => {
  it("interrupts a streaming turn on abort, keeps what streamed, and stays usable", async () => {
    slow();
    const controller = new AbortController();
    const events: AgentEvent[] = [];
    for await (const event of agent.stream("stream slowly", { signal: controller.signal })) {
      events.push(event);
      if (event.type === "message-delta" && events.filter((e) => e.type === "message-delta").length === 2)
        controller.abort();
    }
    const end = events.at(-1)!;
    expect(end).toMatchObject({
      type: "turn-end",
      stopReason: { unified: "cancelled" },
      error: { code: "cancelled" },
    });
    expect(events.some((e) => e.type === "error")).toBe(false);
    const message = events.find((e) => e.type === "message-end");
    expect(message?.type === "message-end" && message.message.content[0]).toMatchObject({ type: "text" });
    expect(message?.type === "message-end" && JSON.stringify(message.message)).toContain("chunk0");
    const pids = runtime.pids;
    expect(pids).toHaveLength(1);

    harness.answer(() => ({ content: [{ type: "text", text: "after the interrupt" }] }));
    const result = await agent.prompt("go on");
    expect(result.text).toBe("after the interrupt");
    expect(runtime.pids).toEqual(pids);
    expect(JSON.stringify(harness.modelCalls().at(-1)!.body)).toContain("chunk0");
  });

  it("stops the turn when the consumer leaves the stream early", async () => {
    slow();
    const before = harness.server.clientDisconnects;
    for await (const event of agent.stream("stream slowly again")) {
      if (event.type === "message-delta") break;
    }
    await expect.poll(() => harness.server.clientDisconnects).toBeGreaterThan(before);
    const stored: AgentEvent[] = [];
    for await (const event of agent.replay()) stored.push(event);
    expect(stored.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "cancelled" } });
    harness.answer(() => ({ content: [{ type: "text", text: "fine" }] }));
    expect((await agent.prompt("still there?")).text).toBe("fine");
  });

  it("switches the model mid-session", async () => {
    harness.answer(() => ({ content: [{ type: "text", text: "ok" }] }));
    await agent.setModel("claude-sonnet-4-5");
    await agent.prompt("which model?");
    expect((harness.modelCalls().at(-1)!.body as { model: string }).model).toBe("claude-sonnet-4-5");
  });

  it("forwards permission modes to the CLI and reports its refusals", async () => {
    await runtime.setPermissionMode(agent.sessionId, "plan");
    await runtime.setPermissionMode(agent.sessionId, "acceptEdits");
    const refused = await runtime.setPermissionMode(agent.sessionId, "bogusMode").catch((e: unknown) => e);
    expect(ArkyError.isArkyError(refused)).toBe(true);
    expect(refused).toMatchObject({ code: "invalid-request", details: { errorCode: "invalid_mode" } });
    // `bypass` needs a CLI launched for it.
    const bypass = await runtime.setPermissionMode(agent.sessionId, "bypass").catch((e: unknown) => e);
    expect(bypass).toMatchObject({ details: { errorCode: "bypass_not_launched" } });
    harness.answer(() => ({ content: [{ type: "text", text: "still ok" }] }));
    expect((await agent.prompt("after modes")).text).toBe("still ok");
  });
});
