import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Agent } from "../../src/core/index.js";
import { createToolCallGuard } from "../../src/permissions/index.js";
import type { AgentEvent } from "../../src/protocol/index.js";
import type { ClaudeCodeRuntime } from "../../src/providers/claude-code/index.js";
import { tool } from "../../src/tools/index.js";
import { lastToolResults, lastUserText, resultText, runtimeFor, startServer, tempDir } from "./harness.js";

// One CLI process serves every test of this file (a session per test would cost ~1 s CPU each).
let harness: Awaited<ReturnType<typeof startServer>>;
let runtime: ClaudeCodeRuntime;
let cwd: string;
const calls: string[] = [];
let canUse: (
  toolName: string,
  input: unknown,
) => { behavior: "allow"; updatedInput?: unknown } | { behavior: "deny"; message: string } = () => ({
  behavior: "allow",
});
let blockBash = false;

const add = tool({
  name: "add",
  description: "Add two numbers",
  input: z.object({ a: z.number(), b: z.number() }),
  readOnly: true,
  execute: ({ a, b }) => `sum=${a + b}`,
});

let agent: Agent;

beforeAll(async () => {
  harness = await startServer();
  cwd = tempDir("turns");
  runtime = runtimeFor(harness.server.baseUrl, { cwd });
  const guard = createToolCallGuard({
    permissions: {
      canUseTool: (toolName, input) => {
        calls.push(toolName);
        return canUse(toolName, input);
      },
    },
    hooks: [
      {
        name: "no-bash",
        matcher: "bash",
        beforeToolCall: () => (blockBash ? { decision: "block", reason: "hook says no" } : undefined),
      },
    ],
  });
  agent = new Agent({ runtime, tools: [add], guard });
});

afterAll(async () => {
  await agent?.close();
  await runtime?.close();
  await harness?.server.close();
});

/** Answers a tool call for the first request of a turn and echoes the tool result afterwards. */
function toolThenEcho(name: string, input: unknown) {
  harness.answer((request) => {
    const results = lastToolResults(request);
    if (results.length > 0)
      return {
        content: [
          {
            type: "text",
            text: `seen${results[0]!.is_error ? " (error)" : ""}: ${resultText(results[0]!.content)}`,
          },
        ],
      };
    return {
      content: [
        { type: "text", text: "calling" },
        { type: "tool-use", name, input },
      ],
    };
  });
}

async function run(prompt: Parameters<Agent["stream"]>[0]): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of agent.stream(prompt)) events.push(event);
  return events;
}

describe("ClaudeCodeRuntime turns (real claude CLI)", () => {
  it("streams a text turn with deltas, message end, usage and cost", async () => {
    harness.answer(() => ({
      content: [
        { type: "thinking", thinking: "Let me think." },
        { type: "text", text: "Hello from the scripted model.", chunks: 3 },
      ],
    }));
    const events = await run("say hi");
    const kinds = events.map((e) => e.type);
    expect(kinds[0]).toBe("session-start");
    expect(kinds[1]).toBe("turn-start");
    expect(kinds.at(-1)).toBe("turn-end");
    const deltas = events.flatMap((e) =>
      e.type === "message-delta" && e.delta.kind === "text" ? [e.delta.text] : [],
    );
    expect(deltas.join("")).toBe("Hello from the scripted model.");
    expect(deltas.length).toBe(3);
    expect(events.some((e) => e.type === "message-delta" && e.delta.kind === "thinking")).toBe(true);
    const end = events.find((e) => e.type === "message-end");
    expect(end?.type === "message-end" && end.message.content.map((b) => b.type)).toEqual([
      "thinking",
      "text",
    ]);
    const turnEnd = events.at(-1)!;
    expect(turnEnd.type === "turn-end" && turnEnd.stopReason).toEqual({
      unified: "end-turn",
      raw: "end_turn",
    });
    expect(turnEnd.type === "turn-end" && turnEnd.usage.outputTokens).toBeGreaterThan(0);
    expect(turnEnd.type === "turn-end" && turnEnd.costUsd).toBeGreaterThan(0);
    expect(lastUserText(harness.modelCalls().at(-1)!)).toContain("say hi");
    expect(runtime.getState(agent.sessionId)?.claudeSessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("reuses the same CLI process for the next turn, with the history", async () => {
    const pids = runtime.pids;
    harness.answer(() => ({ content: [{ type: "text", text: "second answer" }] }));
    const result = await agent.prompt("second prompt");
    expect(result.text).toBe("second answer");
    expect(runtime.pids).toEqual(pids);
    const sent = JSON.stringify(harness.modelCalls().at(-1)!.body);
    expect(sent).toContain("say hi");
    expect(sent).toContain("Hello from the scripted model.");
  });

  it("runs a CLI tool the guard allows (the file exists afterwards)", async () => {
    canUse = () => ({ behavior: "allow" });
    calls.length = 0;
    toolThenEcho("Bash", { command: "touch allowed.txt", description: "make a file" });
    const events = await run("make a file");
    expect(calls).toEqual(["bash"]);
    expect(existsSync(join(cwd, "allowed.txt"))).toBe(true);
    const start = events.find((e) => e.type === "tool-execution-start");
    const end = events.find((e) => e.type === "tool-execution-end");
    expect(start).toMatchObject({
      toolName: "bash",
      runtimeToolName: "Bash",
      input: { command: "touch allowed.txt" },
    });
    expect(end).toMatchObject({ toolName: "bash", runtimeToolName: "Bash" });
    expect(end?.type === "tool-execution-end" && end.result.isError).toBeFalsy();
    expect(events.find((e) => e.type === "permission-decision")).toMatchObject({
      decision: "allow",
      source: "callback",
    });
    expect(events.at(-1)).toMatchObject({
      type: "turn-end",
      stopReason: { unified: "end-turn" },
      modelCalls: 2,
    });
  });

  it("refuses a CLI tool the guard denies: nothing runs and the model sees the reason", async () => {
    canUse = () => ({ behavior: "deny", message: "Denied by test policy" });
    toolThenEcho("Bash", { command: "touch denied.txt", description: "make a file" });
    const events = await run("make another file");
    expect(existsSync(join(cwd, "denied.txt"))).toBe(false);
    expect(events.some((e) => e.type === "tool-execution-start")).toBe(false);
    const end = events.find((e) => e.type === "tool-execution-end");
    expect(end?.type === "tool-execution-end" && end.result.isError).toBe(true);
    expect(end?.type === "tool-execution-end" && end.error?.code).toBe("tool-denied");
    const seen = lastToolResults(harness.modelCalls().at(-1)!)[0]!;
    expect(seen.is_error).toBe(true);
    expect(resultText(seen.content)).toContain("Denied by test policy");
  });

  it("runs the input the guard edited", async () => {
    canUse = () => ({
      behavior: "allow",
      updatedInput: { command: "touch edited.txt", description: "edited" },
    });
    toolThenEcho("Bash", { command: "touch original.txt", description: "make a file" });
    const events = await run("make a third file");
    expect(existsSync(join(cwd, "edited.txt"))).toBe(true);
    expect(existsSync(join(cwd, "original.txt"))).toBe(false);
    expect(events.find((e) => e.type === "tool-execution-start")).toMatchObject({
      input: { command: "touch edited.txt" },
    });
  });

  it("blocks a tool from a beforeToolCall (PreToolUse) hook", async () => {
    canUse = () => ({ behavior: "allow" });
    blockBash = true;
    calls.length = 0;
    try {
      toolThenEcho("Bash", { command: "touch hooked.txt", description: "make a file" });
      const events = await run("make a hooked file");
      expect(existsSync(join(cwd, "hooked.txt"))).toBe(false);
      expect(calls).toEqual([]);
      expect(events.find((e) => e.type === "hook-decision")).toMatchObject({
        decision: "block",
        hook: "no-bash",
      });
      const seen = lastToolResults(harness.modelCalls().at(-1)!)[0]!;
      expect(seen.is_error).toBe(true);
      expect(resultText(seen.content)).toContain("hook says no");
    } finally {
      blockBash = false;
    }
  });

  it("lets the CLI call an Arky tool, executed in the host", async () => {
    canUse = () => ({ behavior: "allow" });
    toolThenEcho("mcp__arky__add", { a: 2, b: 3 });
    const events = await run("add 2 and 3");
    const start = events.find((e) => e.type === "tool-execution-start");
    const end = events.find((e) => e.type === "tool-execution-end");
    expect(start).toMatchObject({ toolName: "add", input: { a: 2, b: 3 } });
    expect(end?.type === "tool-execution-end" && end.result.content).toEqual([
      { type: "text", text: "sum=5" },
    ]);
    expect(events.filter((e) => e.type === "tool-execution-end")).toHaveLength(1);
    expect(resultText(lastToolResults(harness.modelCalls().at(-1)!)[0]!.content)).toBe("sum=5");
    const result = events.at(-1);
    expect(result).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
  });

  it("reports an Arky tool's invalid input back to the model as an error result", async () => {
    toolThenEcho("mcp__arky__add", { a: "two", b: 3 });
    const events = await run("add badly");
    const end = events.find((e) => e.type === "tool-execution-end");
    expect(end?.type === "tool-execution-end" && end.error?.code).toBe("tool-input-invalid");
    expect(lastToolResults(harness.modelCalls().at(-1)!)[0]!.is_error).toBe(true);
  });

  it("sends base64 and URL images to the model", async () => {
    harness.answer(() => ({ content: [{ type: "text", text: "nice pictures" }] }));
    const png =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    const result = await agent.prompt([
      { type: "text", text: "describe these" },
      { type: "image", source: { type: "base64", mediaType: "image/png", data: png } },
      { type: "image", source: { type: "url", url: "https://example.invalid/cat.png" } },
    ]);
    expect(result.text).toBe("nice pictures");
    const body = harness.modelCalls().at(-1)!.body as { messages: Array<{ role: string; content: unknown }> };
    const images = body.messages
      .flatMap((m) =>
        Array.isArray(m.content) ? (m.content as Array<{ type: string; source?: unknown }>) : [],
      )
      .filter((b) => b.type === "image")
      .map((b) => b.source);
    expect(images).toContainEqual({ type: "base64", media_type: "image/png", data: png });
    expect(images).toContainEqual({ type: "url", url: "https://example.invalid/cat.png" });
  });
});
