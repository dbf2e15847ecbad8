import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../src/core/index.js";
import { allowAllGuard } from "../../src/permissions/index.js";
import { type AgentEvent, ArkyError } from "../../src/protocol/index.js";
import { createTurnTools } from "../../src/provider/index.js";
import { type CodexRuntime, codex } from "../../src/providers/codex/index.js";
import { textReply } from "../../src/testing/index.js";
import { ToolRegistry } from "../../src/tools/index.js";
import { type CodexFixture, codexFixture, codexProcesses, collect, ofType } from "./helpers.js";

let fx: CodexFixture;
let runtime: CodexRuntime;
beforeAll(async () => {
  fx = await codexFixture();
  runtime = fx.runtime();
});
afterAll(async () => {
  await fx.cleanup();
  expect(codexProcesses(fx.home)).toEqual([]);
});

async function streamAll(agent: Agent, prompt: string): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of agent.stream(prompt)) events.push(event);
  return events;
}

function failure(events: AgentEvent[]) {
  const end = events.at(-1);
  expect(end?.type).toBe("turn-end");
  expect(ofType(events, "turn-end")).toHaveLength(1);
  const error = ofType(events, "error").find((e) => e.fatal);
  expect(error).toBeDefined();
  expect(end).toMatchObject({ stopReason: { unified: "error" }, error: { code: error!.error.code } });
  return error!.error;
}

describe("CodexRuntime failures", () => {
  it("classifies a 429 as rate-limited without retrying it", async () => {
    const before = fx.server.requests.length;
    fx.server.push({ kind: "http-error", status: 429, message: "Slow down (scripted)." });
    const error = failure(await streamAll(new Agent({ runtime }), "rate limited"));
    expect(error).toMatchObject({ code: "rate-limited", httpStatus: 429, retryable: true });
    expect(fx.server.requests.length - before).toBe(1);
  });

  it("retries a 500 as often as the retry settings allow, reporting each retry", async () => {
    const capped = fx.runtime({ retry: { requestMaxRetries: 0, streamMaxRetries: 2 } });
    const before = fx.server.requests.length;
    fx.server.push(
      { kind: "http-error", status: 500 },
      { kind: "http-error", status: 500 },
      { kind: "http-error", status: 500 },
    );
    const events = await streamAll(new Agent({ runtime: capped }), "server error");
    const error = failure(events);
    expect(error.code).toBe("server-error");
    expect(fx.server.requests.length - before).toBe(3);
    expect(ofType(events, "retry").map((e) => [e.attempt, e.maxAttempts])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    fx.server.push(textReply("recovered"));
    expect((await new Agent({ runtime: capped }).prompt("again")).text).toBe("recovered");
  }, 60_000);

  it("classifies a 401 as authentication", async () => {
    fx.server.push({ kind: "http-error", status: 401, message: "Incorrect API key provided." });
    const error = failure(await streamAll(new Agent({ runtime }), "unauthorized"));
    expect(error).toMatchObject({ code: "authentication", httpStatus: 401, retryable: false });
  });

  it("classifies a malformed SSE stream as malformed-response and drops the partial text", async () => {
    fx.server.push({ kind: "fault", fault: "malformed-json", textBefore: "half an answer" });
    const events = await streamAll(new Agent({ runtime }), "malformed");
    expect(failure(events).code).toBe("malformed-response");
    for (const end of ofType(events, "message-end")) expect(end.stopReason.unified).not.toBe("end-turn");
  });

  it("fails the turn when the app server is killed mid-turn, and the next turn starts a new process", async () => {
    const agent = new Agent({ runtime });
    fx.server.push(textReply("ok"));
    await agent.prompt("warm up");
    const pid = await runtime.pid();
    expect(pid).toBeDefined();
    expect(codexProcesses(fx.home)).toContain(pid);
    fx.server.push({ content: [{ type: "text", text: "w ".repeat(40), chunks: 40 }], chunkDelayMs: 100 });
    const events: AgentEvent[] = [];
    for await (const event of agent.stream("slow")) {
      events.push(event);
      if (event.type === "message-delta" && events.filter((e) => e.type === "message-delta").length === 1)
        process.kill(pid!, "SIGKILL");
    }
    const error = failure(events);
    expect(error.code).toBe("process-exited");
    expect(codexProcesses(fx.home)).not.toContain(pid);

    fx.server.push(textReply("back again"));
    const result = await agent.prompt("after the crash");
    expect(result.text).toBe("back again");
    const newPid = await runtime.pid();
    expect(newPid).toBeDefined();
    expect(newPid).not.toBe(pid);
    await agent.close();
  });

  it("throws configuration errors before starting, and reports a missing executable as a failed turn", async () => {
    expect(() => codex({ modelProvider: { baseUrl: "ftp://nope" } })).toThrow(ArkyError);
    expect(() => codex({ retry: { streamMaxRetries: 1 } })).toThrow(/custom model provider/);
    const missing = codex({ executable: "/nonexistent/codex", cwd: fx.work });
    const error = failure(await streamAll(new Agent({ runtime: missing }), "hello"));
    expect(error.code).toBe("executable-not-found");
    await missing.close();
  });

  it("rejects stored state without a thread id, a second turn on a busy session, and turns after close", async () => {
    const local = fx.runtime();
    await expect(local.restoreState("s1", { threadId: 42 }, { fork: false })).rejects.toMatchObject({
      code: "configuration",
    });
    fx.server.push({ content: [{ type: "text", text: "slow ".repeat(20), chunks: 20 }], chunkDelayMs: 50 });
    const request = (turnId: string) => ({
      sessionId: "busy",
      turnId,
      input: { role: "user" as const, content: [{ type: "text" as const, text: "hi" }] },
      history: [],
      tools: new ToolRegistry([]),
      ...createTurnTools(new ToolRegistry([]), allowAllGuard),
      signal: new AbortController().signal,
    });
    const first = collect(local.runTurn(request("t1")));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await collect(local.runTurn(request("t2")));
    expect(second.map((e) => e.type)).toEqual(["error", "turn-end"]);
    expect(second[0]).toMatchObject({ error: { code: "session-conflict" } });
    expect((await first).at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
    await local.close();
    const closed = await collect(local.runTurn(request("t3")));
    expect(closed[0]).toMatchObject({ type: "error", error: { code: "configuration" } });
  });

  it("refuses input without text or images, and a turn whose signal is already aborted, without starting Codex", async () => {
    const local = fx.runtime();
    const base = {
      sessionId: "early",
      turnId: "t1",
      history: [],
      tools: new ToolRegistry([]),
      ...createTurnTools(new ToolRegistry([]), allowAllGuard),
      signal: new AbortController().signal,
    };
    const toolResultOnly = await collect(
      local.runTurn({
        ...base,
        input: { role: "user", content: [{ type: "tool-result", toolUseId: "x", content: [] }] },
      }),
    );
    expect(toolResultOnly.map((e) => e.type)).toEqual(["error", "turn-end"]);
    expect(toolResultOnly[0]).toMatchObject({ error: { code: "invalid-request" } });
    const aborted = await collect(
      local.runTurn({
        ...base,
        input: { role: "user", content: [{ type: "text", text: "hi" }] },
        signal: AbortSignal.abort(),
      }),
    );
    expect(aborted.map((e) => e.type)).toEqual(["turn-end"]);
    expect(aborted[0]).toMatchObject({ stopReason: { unified: "cancelled" } });
    expect(await local.pid()).toBeUndefined();
  });
});
