import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ArkyError, tool } from "../../src/index.js";
import { textReply, toolCallReply } from "../../src/testing/script.js";
import { addTool, collect, scriptedAgent, types } from "./helpers.js";

const endOf = (events: Awaited<ReturnType<typeof collect>>) => {
  const end = events.at(-1)!;
  if (end.type !== "turn-end") throw new Error(`last event is ${end.type}`);
  expect(events.filter((e) => e.type === "turn-end")).toHaveLength(1);
  return end;
};

describe("native loop: retries", () => {
  it("retries an overloaded API and shows each attempt as a retry event", async () => {
    const { agent } = scriptedAgent([
      { kind: "http-error", status: 529 },
      { kind: "http-error", status: 500 },
      textReply("ok"),
    ]);
    const events = await collect(agent.stream("hi"));
    const retries = events.filter((e) => e.type === "retry");
    expect(retries.map((r) => r.type === "retry" && [r.attempt, r.error.code])).toEqual([
      [1, "overloaded"],
      [2, "server-error"],
    ]);
    expect(endOf(events).stopReason.unified).toBe("end-turn");
    // A failed attempt leaves no half message behind.
    expect(events.filter((e) => e.type === "message-start")).toHaveLength(1);
  });

  it("honours retry-after", async () => {
    const { agent } = scriptedAgent([
      { kind: "http-error", status: 429, retryAfterSeconds: 0.03 },
      textReply("ok"),
    ]);
    const events = await collect(agent.stream("hi"));
    const retry = events.find((e) => e.type === "retry");
    expect(retry?.type === "retry" && retry.delayMs).toBe(30);
    expect(retry?.type === "retry" && retry.error.retryAfterMs).toBe(30);
  });

  it("gives up after maxAttempts with the last error's code", async () => {
    const { agent } = scriptedAgent(
      [
        { kind: "http-error", status: 429 },
        { kind: "http-error", status: 429 },
      ],
      { runtime: { retry: { maxAttempts: 2, initialDelayMs: 1 } } },
    );
    const events = await collect(agent.stream("hi"));
    expect(types(events).slice(-3)).toEqual(["retry", "error", "turn-end"]);
    const end = endOf(events);
    expect(end.stopReason.unified).toBe("error");
    expect(end.error?.code).toBe("rate-limited");
  });

  it.each([
    [400, "invalid-request"],
    [401, "authentication"],
    [403, "permission-denied"],
    [404, "not-found"],
    [413, "request-too-large"],
  ])("does not retry HTTP %i and ends with code %s", async (status, code) => {
    const { agent, provider } = scriptedAgent([{ kind: "http-error", status }]);
    const events = await collect(agent.stream("hi"));
    expect(events.some((e) => e.type === "retry")).toBe(false);
    expect(endOf(events).error?.code).toBe(code);
    provider.assertDone();
  });

  it("makes prompt() reject with the classified error", async () => {
    const { agent } = scriptedAgent([{ kind: "http-error", status: 401 }]);
    const error = await agent.prompt("hi").catch((e: unknown) => e);
    expect(ArkyError.isArkyError(error)).toBe(true);
    expect((error as ArkyError).code).toBe("authentication");
    expect((error as ArkyError).correction).toMatch(/API key/);
  });

  it("does not retry a stream that broke after content arrived, and keeps what was streamed", async () => {
    for (const fault of ["truncated", "malformed-json", "reset"] as const) {
      const { agent } = scriptedAgent([
        { kind: "fault", fault, textBefore: "half an answer" },
        textReply("unused"),
      ]);
      const events = await collect(agent.stream("hi"));
      const text = events.flatMap((e) =>
        e.type === "message-delta" && e.delta.kind === "text" ? [e.delta.text] : [],
      );
      expect(text.join("")).toBe("half an answer");
      expect(endOf(events).error?.code).toBe(fault === "reset" ? "connection" : "malformed-response");
      const stored = await collect(agent.store.read(agent.sessionId));
      expect(stored).toEqual(events);
    }
  });

  it("retries an in-stream overloaded error that came before any content", async () => {
    const { agent } = scriptedAgent([{ kind: "fault", fault: "stream-error" }, textReply("ok")]);
    const result = await agent.prompt("hi");
    expect(result.text).toBe("ok");
  });
});

describe("native loop: bad tool calls go back to the model", () => {
  it("answers an unknown tool with an error result naming the available tools", async () => {
    const { agent, provider } = scriptedAgent([toolCallReply("nope", {}), textReply("sorry")], {
      tools: [addTool],
    });
    const events = await collect(agent.stream("hi"));
    const end = events.find((e) => e.type === "tool-execution-end");
    expect(end?.type === "tool-execution-end" && end.error?.code).toBe("tool-not-found");
    const sent = provider.requests[1]!.messages.at(-1)!;
    expect(JSON.stringify(sent)).toMatch(/No tool named \\"nope\\".*Available tools: add/);
    expect(endOf(events).stopReason.unified).toBe("end-turn");
  });

  it("answers input that fails the schema with the validation problem", async () => {
    const { agent, provider } = scriptedAgent([toolCallReply("add", { a: "two" }), textReply("fixed")], {
      tools: [addTool],
    });
    await agent.prompt("hi");
    const result = provider.requests[1]!.messages.at(-1)!.content[0]!;
    expect(result).toMatchObject({ type: "tool-result", isError: true });
    expect(JSON.stringify(result)).toMatch(/Invalid input for tool \\"add\\"/);
  });

  it("turns a throwing tool into an error result", async () => {
    const boom = tool({
      name: "boom",
      description: "throws",
      input: z.object({}),
      execute: () => Promise.reject(new Error("kaput")),
    });
    const { agent, provider } = scriptedAgent([toolCallReply("boom", {}), textReply("ok")], {
      tools: [boom],
    });
    const events = await collect(agent.stream("hi"));
    const end = events.find((e) => e.type === "tool-execution-end");
    expect(end?.type === "tool-execution-end" && end.error?.code).toBe("tool-execution");
    expect(JSON.stringify(provider.requests[1]!.messages.at(-1))).toMatch(/kaput/);
  });

  it("abandons a tool that hangs past its timeout, even one that ignores its signal", async () => {
    const hang = tool({
      name: "hang",
      description: "never returns and ignores its signal",
      input: z.object({}),
      timeoutMs: 30,
      execute: () => new Promise<string>(() => {}),
    });
    const { agent } = scriptedAgent([toolCallReply("hang", {}), textReply("moved on")], { tools: [hang] });
    const events = await collect(agent.stream("hi"));
    const end = events.find((e) => e.type === "tool-execution-end");
    expect(end?.type === "tool-execution-end" && end.error?.code).toBe("tool-timeout");
    expect(endOf(events).stopReason.unified).toBe("end-turn");
  });
});

describe("native loop: cancellation", () => {
  it("cancels before the first byte", async () => {
    const { agent } = scriptedAgent([{ kind: "fault", fault: "hang" }]);
    const controller = new AbortController();
    const events: string[] = [];
    const run = (async () => {
      for await (const e of agent.stream("hi", { signal: controller.signal })) {
        events.push(e.type);
        if (e.type === "turn-start") setTimeout(() => controller.abort(), 10);
      }
    })();
    await run;
    expect(events.at(-1)).toBe("turn-end");
    const stored = await collect(agent.store.read(agent.sessionId));
    const end = stored.at(-1)!;
    expect(end.type === "turn-end" && end.stopReason.unified).toBe("cancelled");
    expect(end.type === "turn-end" && end.error?.code).toBe("cancelled");
  });

  it("cancels mid-stream and keeps the deltas already emitted", async () => {
    const { agent } = scriptedAgent([
      { content: [{ type: "text", text: "x".repeat(200), chunks: 100 }], chunkDelayMs: 5 },
    ]);
    const controller = new AbortController();
    const events = [];
    for await (const e of agent.stream("hi", { signal: controller.signal })) {
      events.push(e);
      if (e.type === "message-delta" && events.filter((x) => x.type === "message-delta").length === 3)
        controller.abort();
    }
    expect(events.filter((e) => e.type === "message-delta").length).toBeGreaterThanOrEqual(3);
    expect(endOf(events).stopReason.unified).toBe("cancelled");
    const stored = await collect(agent.store.read(agent.sessionId));
    expect(stored).toEqual(events);
  });

  it("cancels mid-tool: the tool sees its signal abort and the call gets a result", async () => {
    let aborted = false;
    const wait = tool({
      name: "wait",
      description: "waits for its signal",
      input: z.object({}),
      execute: (_input, { signal }) =>
        new Promise<string>((_, reject) => {
          signal.addEventListener("abort", () => {
            aborted = true;
            reject(signal.reason);
          });
        }),
    });
    const { agent } = scriptedAgent([toolCallReply("wait", {})], { tools: [wait] });
    const controller = new AbortController();
    const events = [];
    for await (const e of agent.stream("hi", { signal: controller.signal })) {
      events.push(e);
      if (e.type === "tool-execution-start") setTimeout(() => controller.abort(), 5);
    }
    expect(aborted).toBe(true);
    const toolEnd = events.find((e) => e.type === "tool-execution-end");
    expect(toolEnd?.type === "tool-execution-end" && toolEnd.error?.code).toBe("cancelled");
    expect(endOf(events).stopReason.unified).toBe("cancelled");
  });

  it("cancels the turn when the consumer leaves the for-await, and records it", async () => {
    let aborted = false;
    const wait = tool({
      name: "wait",
      description: "waits for its signal",
      input: z.object({}),
      execute: (_input, { signal, onUpdate }) =>
        new Promise<string>((resolve) => {
          signal.addEventListener("abort", () => {
            aborted = true;
            resolve("stopped");
          });
          onUpdate("waiting");
        }),
    });
    const { agent } = scriptedAgent([toolCallReply("wait", {})], { tools: [wait] });
    for await (const e of agent.stream("hi")) if (e.type === "tool-execution-update") break;
    expect(aborted).toBe(true);
    const stored = await collect(agent.store.read(agent.sessionId));
    const end = stored.at(-1)!;
    expect(end.type === "turn-end" && end.stopReason.unified).toBe("cancelled");
    // The interrupted call is closed in the conversation, so the next turn is valid.
    expect(agent.messages.at(-1)).toMatchObject({
      role: "user",
      content: [{ type: "tool-result", isError: true }],
    });
  });

  it("rejects prompt() with a cancelled error when the signal was already aborted", async () => {
    const { agent } = scriptedAgent([textReply("unused")]);
    const error = await agent.prompt("hi", { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect((error as ArkyError).code).toBe("cancelled");
  });
});
