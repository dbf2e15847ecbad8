import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Agent } from "../../src/core/index.js";
import { allowAllGuard } from "../../src/permissions/index.js";
import type { AgentEvent } from "../../src/protocol/index.js";
import type { ClaudeCodeOptions } from "../../src/providers/claude-code/index.js";
import { tool } from "../../src/tools/index.js";
import { CLAUDE, lastToolResults, resultText, runtimeFor, startServer, tempDir } from "./harness.js";

// What a CLI process is started with: `initialize` only when the session needs it, Arky's
// tools as MCP manifests, and a new process (resuming the conversation) when the needs change.

const RECORDER = resolve("test/claude-code/fixtures/record-cli.mjs");
let harness: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  harness = await startServer();
});
afterAll(async () => {
  await harness?.server.close();
});

/** Runtime options that put the recorder between the runtime and the real CLI. */
function recorded(extra: ClaudeCodeOptions = {}): { options: ClaudeCodeOptions; lines: () => Wire[] } {
  const file = join(tempDir("wire"), "wire.log");
  return {
    options: {
      executable: process.execPath,
      executableArgs: [RECORDER, CLAUDE],
      ...extra,
      env: { ARKY_RECORD_FILE: file, ...extra.env },
    },
    lines: () =>
      existsSync(file)
        ? readFileSync(file, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((l) => ({ dir: l.startsWith(">>") ? "in" : "out", msg: JSON.parse(l.slice(3)) }))
        : [],
  };
}

type Wire = { dir: "in" | "out"; msg: unknown };

/** A value deep inside a recorded line (undefined when the path is not there). */
const dig = (value: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], value);
const manifestTools = (line: Wire | undefined) =>
  (dig(line?.msg, "request.sdkMcpServerManifests.arky.toolsListResult.tools") as Array<{ name: string }>).map(
    (t) => t.name,
  );

const controlRequests = (lines: Wire[], dir: Wire["dir"], subtype: string) =>
  lines.filter(
    (l) =>
      l.dir === dir && dig(l.msg, "type") === "control_request" && dig(l.msg, "request.subtype") === subtype,
  );

const tools = {
  add: tool({
    name: "add",
    description: "Add two numbers",
    input: z.object({ a: z.number(), b: z.number() }),
    execute: ({ a, b }) => `sum=${a + b}`,
  }),
  mul: tool({
    name: "mul",
    description: "Multiply two numbers",
    input: z.object({ a: z.number(), b: z.number() }),
    execute: ({ a, b }) => `product=${a * b}`,
  }),
};

/** The model calls `name` with `input` once, then repeats the tool result as text. */
function callThenEcho(name: string, input: unknown) {
  harness.answer((request) => {
    const results = lastToolResults(request);
    if (results.length > 0)
      return { content: [{ type: "text", text: `seen: ${resultText(results[0]!.content)}` }] };
    return { content: [{ type: "tool-use", name, input }] };
  });
}

async function collect(agent: Agent, prompt: string): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of agent.stream(prompt)) events.push(event);
  return events;
}

const text = (events: AgentEvent[]) =>
  events
    .flatMap((e) => (e.type === "message-delta" && e.delta.kind === "text" ? [e.delta.text] : []))
    .join("");

describe("ClaudeCodeRuntime process needs (real claude CLI)", () => {
  it("sends no initialize without tools or guard; the CLI's permission prompts are answered allow", async () => {
    const cwd = tempDir("plain");
    const wire = recorded();
    const runtime = runtimeFor(harness.server.baseUrl, { ...wire.options, cwd });
    // The unguarded path: only an explicit allow-all guard skips Arky's hook now.
    const agent = new Agent({ runtime, guard: allowAllGuard });
    try {
      let step = 0;
      harness.answer(() => {
        step++;
        if (step === 1)
          return { content: [{ type: "tool-use", name: "Bash", input: { command: "touch made.txt" } }] };
        if (step === 2)
          return { content: [{ type: "tool-use", name: "Bash", input: { command: "echo hi" } }] };
        return { content: [{ type: "text", text: "both ran" }] };
      });
      const events = await collect(agent, "make a file");
      expect(text(events)).toBe("both ran");
      expect(existsSync(join(cwd, "made.txt"))).toBe(true);
      const lines = wire.lines();
      expect(controlRequests(lines, "in", "initialize")).toEqual([]);
      // The write was asked about (and allowed); the read-only echo the CLI ran unasked.
      expect(
        controlRequests(lines, "out", "can_use_tool").map((l) => dig(l.msg, "request.input.command")),
      ).toEqual(["touch made.txt"]);
      const starts = events.filter((e) => e.type === "tool-execution-start");
      const ends = events.filter((e) => e.type === "tool-execution-end");
      const names = starts.map((e) => e.type === "tool-execution-start" && [e.toolName, e.runtimeToolName]);
      expect(names).toEqual([
        ["bash", "Bash"],
        ["bash", "Bash"],
      ]);
      const endTexts = ends.map((e) => (e.type === "tool-execution-end" ? resultText(e.result.content) : ""));
      expect(endTexts.length).toBe(2);
      expect(endTexts[1]!.trim()).toBe("hi");
      // Each call's start comes before its end.
      for (const start of starts) {
        const id = start.type === "tool-execution-start" ? start.toolCallId : "";
        const end = events.findIndex((e) => e.type === "tool-execution-end" && e.toolCallId === id);
        expect(end).toBeGreaterThan(events.indexOf(start));
      }
    } finally {
      await agent.close();
      await runtime.close();
    }
  });

  it("gives Arky's tools as MCP manifests (no handshake), and restarts with --resume when the tools change", async () => {
    const wire = recorded();
    const notes: string[] = [];
    const runtime = runtimeFor(harness.server.baseUrl, {
      ...wire.options,
      onDebug: (note) => notes.push(note),
    });
    const agent = new Agent({ runtime, tools: [tools.add], guard: allowAllGuard });
    try {
      callThenEcho("mcp__arky__add", { a: 2, b: 3 });
      expect(text(await collect(agent, "add them"))).toBe("seen: sum=5");
      let lines = wire.lines();
      const [init] = controlRequests(lines, "in", "initialize");
      expect(dig(init?.msg, "request.sdkMcpServers")).toEqual(["arky"]);
      expect(manifestTools(init)).toEqual(["add"]);
      expect(dig(init?.msg, "request.hooks")).toBeUndefined(); // no guard: no hook
      const response = lines.find(
        (l) => l.dir === "out" && dig(l.msg, "response.request_id") === dig(init?.msg, "request_id"),
      );
      expect(dig(response?.msg, "response.response.sdk_mcp_manifests_parked")).toEqual({ arky: "parked" });
      const mcpMethods = controlRequests(lines, "out", "mcp_message").map((l) =>
        dig(l.msg, "request.message.method"),
      );
      expect(mcpMethods).toEqual(["tools/call"]);
      expect(notes.filter((n) => n.includes("manifest"))).toEqual([]);

      const firstPid = runtime.pidOf(agent.sessionId);
      agent.tools.register(tools.mul);
      callThenEcho("mcp__arky__mul", { a: 4, b: 5 });
      expect(text(await collect(agent, "multiply them"))).toBe("seen: product=20");
      expect(runtime.pidOf(agent.sessionId)).not.toBe(firstPid);
      lines = wire.lines();
      const inits = controlRequests(lines, "in", "initialize");
      expect(inits.length).toBe(2);
      expect(manifestTools(inits[1])).toEqual(["add", "mul"]);
      // The conversation went on in the new process: turn 1 is in turn 2's model request.
      const sent = JSON.stringify(harness.modelCalls().at(-1)!.body);
      expect(sent).toContain("add them");
      expect(sent).toContain("sum=5");
      expect(sent).toContain("multiply them");

      // Same tools again: the process stays.
      const secondPid = runtime.pidOf(agent.sessionId);
      harness.answer(() => ({ content: [{ type: "text", text: "same process" }] }));
      expect((await agent.prompt("again")).text).toBe("same process");
      expect(runtime.pidOf(agent.sessionId)).toBe(secondPid);
    } finally {
      await agent.close();
      await runtime.close();
    }
  });

  it("a session claims a pooled process only when it was prewarmed with the session's tools", async () => {
    const runtime = runtimeFor(harness.server.baseUrl);
    try {
      await runtime.prewarm(1, { tools: [tools.add] });
      await runtime.prewarm(1); // a second, tool-less one (prewarm counts per kind)
      expect(runtime.idleProcesses).toBe(2);
      const pooled = runtime.pids;

      const withTools = new Agent({ runtime, tools: [tools.add], permissions: { mode: "bypass" } });
      callThenEcho("mcp__arky__add", { a: 20, b: 22 });
      expect(text(await collect(withTools, "add"))).toBe("seen: sum=42");
      const claimed = runtime.pidOf(withTools.sessionId);
      expect(pooled).toContain(claimed);
      expect(runtime.idleProcesses).toBe(1);

      // Tools the pool was not started with: the tool-less pooled process does not fit.
      const other = new Agent({ runtime, tools: [tools.mul], permissions: { mode: "bypass" } });
      callThenEcho("mcp__arky__mul", { a: 6, b: 7 });
      expect(text(await collect(other, "multiply"))).toBe("seen: product=42");
      expect(pooled).not.toContain(runtime.pidOf(other.sessionId));
      expect(runtime.idleProcesses).toBe(1);

      const plain = new Agent({ runtime });
      harness.answer(() => ({ content: [{ type: "text", text: "pooled plain" }] }));
      expect((await plain.prompt("hi")).text).toBe("pooled plain");
      expect(pooled).toContain(runtime.pidOf(plain.sessionId));
      expect(runtime.idleProcesses).toBe(0);
      await Promise.all([withTools.close(), other.close(), plain.close()]);
    } finally {
      await runtime.close();
    }
  });
});
