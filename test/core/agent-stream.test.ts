import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Agent, type AgentResult, ArkyError, InMemorySessionStore, native } from "../../src/index.js";
import { textReply, toolCallReply } from "../../src/testing/script.js";
import { scriptedProvider } from "../../src/testing/scripted-provider.js";
import { addTool, collect, scriptedAgent, types } from "./helpers.js";

// agent.stream() returns the events and the turn's result; prompt() is that result.

/** What two turns of the same script and input share (ids and durations differ). */
const comparable = ({ text, messages, stopReason, usage, costUsd, error }: AgentResult) => ({
  text,
  messages,
  stopReason,
  usage,
  costUsd,
  error,
});

const toolTurn = () => [toolCallReply("add", { a: 2, b: 3 }, { id: "toolu_add" }), textReply("It is 5.")];

async function rejection(promise: Promise<unknown>): Promise<ArkyError> {
  const error = await promise.then(
    () => {
      throw new Error("it resolved");
    },
    (e: unknown) => e,
  );
  if (!ArkyError.isArkyError(error)) throw error;
  return error;
}

let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeEach(() => {
  unhandled = [];
  process.on("unhandledRejection", onUnhandled);
});
afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
});
const settleTicks = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("agent.stream().result", () => {
  it("resolves, after the loop, to what prompt() resolves to", async () => {
    const streamed = scriptedAgent(toolTurn(), { tools: [addTool] }).agent;
    const prompted = scriptedAgent(toolTurn(), { tools: [addTool] }).agent;
    const stream = streamed.stream("What is 2 + 3?");
    const events = await collect(stream);
    const result = await stream.result;
    const expected = await prompted.prompt("What is 2 + 3?");
    expect(result.text).toBe("It is 5.");
    expect(comparable(result)).toEqual(comparable(expected));
    expect(result.messages).toEqual(streamed.messages);
    const end = events.at(-1)!;
    expect(end.type === "turn-end" && [result.turnId, result.sessionId]).toEqual([end.turnId, end.sessionId]);
  });

  it("runs the turn on its own when only the result is read, and a later loop still sees every event", async () => {
    const { agent } = scriptedAgent(toolTurn(), { tools: [addTool] });
    const stream = agent.stream("What is 2 + 3?");
    expect((await stream.result).text).toBe("It is 5.");
    const events = await collect(stream);
    const stored = await collect(agent.replay());
    expect(types(events)).toEqual(types(stored));
    expect(events.at(-1)?.type).toBe("turn-end");
  });

  it("keeps every event in order when the result is read while the loop runs", async () => {
    const { agent } = scriptedAgent(toolTurn(), { tools: [addTool] });
    const stream = agent.stream("What is 2 + 3?");
    const seen: number[] = [];
    let result: Promise<AgentResult> | undefined;
    for await (const event of stream) {
      seen.push(event.seq);
      result ??= stream.result;
    }
    expect((await result!).text).toBe("It is 5.");
    const stored = await collect(agent.replay());
    expect(seen).toEqual(stored.map((e) => e.seq));
  });

  it("rejects with the same ArkyError as prompt() when the turn fails", async () => {
    const failing = () =>
      scriptedAgent([{ kind: "http-error", status: 429 }], { runtime: { retry: { maxAttempts: 1 } } }).agent;
    const stream = failing().stream("hi");
    const events = await collect(stream);
    const streamed = await rejection(stream.result);
    const prompted = await rejection(failing().prompt("hi"));
    expect(streamed.code).toBe("rate-limited");
    expect([streamed.code, streamed.message, streamed.retryable]).toEqual([
      prompted.code,
      prompted.message,
      prompted.retryable,
    ]);
    const end = events.at(-1);
    expect(end?.type === "turn-end" && end.error?.code).toBe("rate-limited");
    // Like prompt()'s error, it carries the partial result.
    expect(streamed.details).toMatchObject({ result: { stopReason: { unified: "error" } } });
  });

  it("rejects with what the loop threw when the stream itself fails", async () => {
    class BrokenStore extends InMemorySessionStore {
      override async create(): Promise<never> {
        throw new ArkyError({ code: "store", message: "the disk is full" });
      }
    }
    const runtime = native(scriptedProvider({ script: [textReply("never")] }));
    const stream = new Agent({ runtime, store: new BrokenStore() }).stream("hi");
    await expect(collect(stream)).rejects.toMatchObject({ code: "store" });
    await expect(stream.result).rejects.toMatchObject({ code: "store", message: "the disk is full" });
    await expect(new Agent({ runtime, store: new BrokenStore() }).prompt("hi")).rejects.toMatchObject({
      code: "store",
    });
  });

  it("rejects with cancelled when the loop leaves before the turn-end, and resolves when it leaves on it", async () => {
    const slow = () => [
      { content: [{ type: "text" as const, text: "one two three four", chunks: 4 }], chunkDelayMs: 20 },
    ];
    const left = scriptedAgent(slow()).agent;
    const stream = left.stream("hi");
    for await (const event of stream) if (event.type === "message-delta") break;
    expect(await rejection(stream.result)).toMatchObject({
      code: "cancelled",
      message: "The stream was closed before its turn ended.",
    });
    const ends = (await collect(left.replay())).filter((e) => e.type === "turn-end");
    expect(ends.map((e) => e.type === "turn-end" && e.stopReason.unified)).toEqual(["cancelled"]);

    const onEnd = scriptedAgent([textReply("done")]).agent;
    const whole = onEnd.stream("hi");
    for await (const event of whole) if (event.type === "turn-end") break;
    expect((await whole.result).text).toBe("done");
  });

  it("rejects with cancelled when the stream is closed before it ran, and frees the agent", async () => {
    const { agent } = scriptedAgent([textReply("later")]);
    const stream = agent.stream("never");
    await stream.return();
    expect((await rejection(stream.result)).code).toBe("cancelled");
    expect((await agent.prompt("now")).text).toBe("later");
  });

  it("never causes an unhandled rejection when nobody reads the result", async () => {
    const { agent } = scriptedAgent([{ kind: "http-error", status: 401 }]);
    const events = await collect(agent.stream("hi"));
    expect(events.at(-1)?.type === "turn-end" && events.at(-1)).toMatchObject({
      error: { code: "authentication" },
    });
    const closed = scriptedAgent([textReply("x")]).agent.stream("hi");
    await closed.return();
    await settleTicks();
    expect(unhandled).toEqual([]);
  });
});
