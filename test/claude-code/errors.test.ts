import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../src/core/index.js";
import type { ToolCallGuard } from "../../src/permissions/index.js";
import type { AgentEvent } from "../../src/protocol/index.js";
import { type ClaudeCodeRuntime, claudeCode } from "../../src/providers/claude-code/index.js";
import { type ScriptStep, textReply } from "../../src/testing/index.js";
import { cliOptions, runtimeFor, startServer } from "./harness.js";

const FAKE = fileURLToPath(new URL("./fixtures/fake-claude.mjs", import.meta.url));

let harness: Awaited<ReturnType<typeof startServer>>;
let runtime: ClaudeCodeRuntime;
let agent: Agent;
const extra: ClaudeCodeRuntime[] = [];

beforeAll(async () => {
  harness = await startServer();
  runtime = runtimeFor(harness.server.baseUrl, { maxRetries: 0 });
  agent = new Agent({ runtime });
});

afterAll(async () => {
  await agent?.close();
  await Promise.all([runtime, ...extra].map((r) => r?.close()));
  await harness?.server.close();
});

async function collect(a: Agent, prompt: string): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of a.stream(prompt)) events.push(event);
  return events;
}

function failWith(step: ScriptStep) {
  // Every attempt fails the same way (the CLI may retry or re-send with fewer features).
  harness.answer(() => step);
}

describe("ClaudeCodeRuntime API errors (real claude CLI)", () => {
  const cases: Array<[string, ScriptStep, string, number]> = [
    ["401", { kind: "http-error", status: 401 }, "authentication", 401],
    ["429", { kind: "http-error", status: 429 }, "rate-limited", 429],
    ["500", { kind: "http-error", status: 500 }, "server-error", 500],
    ["529", { kind: "http-error", status: 529 }, "overloaded", 529],
    [
      "400 context overflow",
      { kind: "http-error", status: 400, message: "prompt is too long: 250000 tokens > 200000 maximum" },
      "context-overflow",
      400,
    ],
    ["400", { kind: "http-error", status: 400, message: "messages: bad field" }, "invalid-request", 400],
  ];
  for (const [name, step, code, status] of cases) {
    it(`classifies ${name} as ${code}`, async () => {
      failWith(step);
      const events = await collect(agent, `trigger ${name}`);
      const error = events.find((e) => e.type === "error");
      expect(error).toMatchObject({ fatal: true, error: { code, httpStatus: status } });
      expect(error?.type === "error" && error.error.details).toHaveProperty("stderrTail");
      const end = events.at(-1);
      expect(end).toMatchObject({ type: "turn-end", error: { code } });
      expect(events.filter((e) => e.type === "turn-end")).toHaveLength(1);
    });
  }

  it("keeps working after an error turn", async () => {
    harness.answer(() => textReply("recovered"));
    expect((await agent.prompt("are you fine?")).text).toBe("recovered");
  });

  it("reports the CLI's retries as retry events", async () => {
    const retrying = runtimeFor(harness.server.baseUrl, { maxRetries: 1 });
    extra.push(retrying);
    let n = 0;
    harness.answer((request) =>
      request.stream && n++ === 0 ? { kind: "http-error", status: 529 } : textReply("after a retry"),
    );
    const events = await collect(new Agent({ runtime: retrying }), "retry once");
    expect(events.find((e) => e.type === "retry")).toMatchObject({
      attempt: 1,
      error: { code: "overloaded" },
    });
    expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
  });

  it("reports no retry for a failure that is not retryable, though the CLI retries a 401", async () => {
    const retrying = runtimeFor(harness.server.baseUrl, { maxRetries: 1 });
    extra.push(retrying);
    failWith({ kind: "http-error", status: 401 });
    const events = await collect(new Agent({ runtime: retrying }), "retry a 401");
    // The CLI did retry it (the request went out twice).
    const sent = harness.modelCalls().filter((c) => JSON.stringify(c.body).includes("retry a 401"));
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e.type === "retry")).toEqual([]);
    expect(events.at(-1)).toMatchObject({
      type: "turn-end",
      error: { code: "authentication", retryable: false },
    });
  });

  it("reports the CLI's retry of a dropped connection as a connection error", async () => {
    const retrying = runtimeFor(harness.server.baseUrl, { maxRetries: 1 });
    extra.push(retrying);
    failWith({ kind: "fault", fault: "reset" });
    const events = await collect(new Agent({ runtime: retrying }), "retry a reset");
    expect(events.find((e) => e.type === "retry")).toMatchObject({
      error: { code: "connection", retryable: true },
    });
  });

  it.runIf(process.getuid?.() === 0)(
    "explains that bypass mode as root needs IS_SANDBOX, rather than an exit code",
    async () => {
      const root = claudeCode(
        cliOptions(harness.server.baseUrl, {
          permissionMode: "bypassPermissions",
          env: { IS_SANDBOX: undefined },
        }),
      );
      extra.push(root);
      const events = await collect(new Agent({ runtime: root }), "hello as root");
      const error = events.find((e) => e.type === "error");
      expect(error).toMatchObject({ fatal: true, error: { code: "configuration" } });
      expect(error?.type === "error" && error.error.correction).toMatch(/IS_SANDBOX=1/);
      expect(events.at(-1)).toMatchObject({ type: "turn-end", error: { code: "configuration" } });
      await expect(root.prewarm(1)).rejects.toMatchObject({ code: "configuration" });
    },
  );

  it("reports a CLI killed mid-turn, keeps what streamed, and resumes on the next turn", async () => {
    harness.answer(() => ({
      content: [{ type: "text", text: "a b c d e f g h", chunks: 8 }],
      chunkDelayMs: 300,
    }));
    const events: AgentEvent[] = [];
    for await (const event of agent.stream("stream then die")) {
      events.push(event);
      if (event.type === "message-delta" && events.filter((e) => e.type === "message-delta").length === 1)
        for (const pid of runtime.pids) process.kill(pid, "SIGKILL");
    }
    const error = events.find((e) => e.type === "error");
    expect(error).toMatchObject({
      fatal: true,
      error: { code: "process-exited", details: { signal: "SIGKILL" } },
    });
    expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "error" } });
    const stored: AgentEvent[] = [];
    for await (const event of agent.replay()) stored.push(event);
    expect(stored.filter((e) => e.type === "message-delta").length).toBeGreaterThanOrEqual(1);
    expect(runtime.pids).toEqual([]);

    harness.answer(() => textReply("back again"));
    expect((await agent.prompt("are you back?")).text).toBe("back again");
    expect(JSON.stringify(harness.modelCalls().at(-1)!.body)).toContain("trigger 401");
  });
});

describe("ClaudeCodeRuntime protocol failures", () => {
  it("reports malformed and schema-invalid lines as protocol errors and finishes the turn", async () => {
    const notes: string[] = [];
    const fake = claudeCode({
      ...cliOptions("http://127.0.0.1:9"),
      executable: FAKE,
      env: { FAKE_CLAUDE_MODE: "garbage" },
      onDebug: (note) => notes.push(note),
    });
    extra.push(fake);
    const events = await collect(new Agent({ runtime: fake }), "hello");
    const errors = events.filter((e) => e.type === "error");
    expect(errors).toHaveLength(2);
    expect(errors.every((e) => e.type === "error" && e.error.code === "protocol" && !e.fatal)).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
    expect(notes).toEqual(['Ignored a claude stdout line of unknown type "some_future_type".']);
  });

  it("reports a CLI that dies at start with its exit code and stderr", async () => {
    const fake = claudeCode({
      ...cliOptions("http://127.0.0.1:9"),
      executable: FAKE,
      env: { FAKE_CLAUDE_MODE: "crash-at-start" },
    });
    extra.push(fake);
    const events = await collect(new Agent({ runtime: fake }), "hello");
    const error = events.find((e) => e.type === "error");
    expect(error).toMatchObject({ fatal: true, error: { code: "process-exited", details: { exitCode: 1 } } });
    expect(error?.type === "error" && String(error.error.details?.stderrTail)).toContain("something fatal");
    expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "error" } });
  });

  it("rejects prewarm when the CLI dies at start, leaving nothing running", async () => {
    const fake = claudeCode({
      ...cliOptions("http://127.0.0.1:9"),
      executable: FAKE,
      env: { FAKE_CLAUDE_MODE: "crash-at-start" },
    });
    extra.push(fake);
    await expect(fake.prewarm(1)).rejects.toMatchObject({ code: "process-exited" });
    expect(fake.pids).toEqual([]);
    expect(fake.idleProcesses).toBe(0);
  });

  it("does not answer a control request the CLI withdrew", async () => {
    const fake = claudeCode({
      ...cliOptions("http://127.0.0.1:9"),
      executable: FAKE,
      env: { FAKE_CLAUDE_MODE: "cancel" },
    });
    extra.push(fake);
    const slowGuard: ToolCallGuard = {
      beforeToolCall: async (call) => {
        await new Promise((r) => setTimeout(r, 500));
        return { decision: "allow", input: call.input, events: [] };
      },
      afterToolCall: async (_call, result) => ({ result, events: [] }),
    };
    const result = await new Agent({ runtime: fake, guard: slowGuard }).prompt("hello");
    expect(result.text).toBe("answered: kept");
  });

  it("explains how to install a missing executable", async () => {
    const missing = claudeCode({ ...cliOptions("http://127.0.0.1:9"), executable: "/nonexistent/claude" });
    extra.push(missing);
    const events = await collect(new Agent({ runtime: missing }), "hello");
    const error = events.find((e) => e.type === "error");
    expect(error).toMatchObject({ fatal: true, error: { code: "executable-not-found" } });
    expect(error?.type === "error" && error.error.correction).toContain("npm i -g @anthropic-ai/claude-code");
    expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "error" } });
  });

  it("rejects invalid options before any work", () => {
    expect(() => claudeCode({ maxTurns: 0 })).toThrow(expect.objectContaining({ code: "configuration" }));
    expect(() => claudeCode({ maxBudgetUsd: -1 })).toThrow(
      expect.objectContaining({ code: "configuration" }),
    );
  });
});
