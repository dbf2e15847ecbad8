import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Agent } from "../../src/core/index.js";
import type { ToolCallGuard } from "../../src/permissions/index.js";
import type { AgentEvent } from "../../src/protocol/index.js";
import type { CodexRuntime } from "../../src/providers/codex/index.js";
import { textReply, toolCallReply } from "../../src/testing/index.js";
import { tool } from "../../src/tools/index.js";
import {
  type CodexFixture,
  codexFixture,
  codexProcesses,
  lastInput,
  ofType,
  recordingGuard,
} from "./helpers.js";

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

async function streamAll(agent: Agent, prompt: string, signal?: AbortSignal): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of agent.stream(prompt, { signal })) events.push(event);
  return events;
}

describe("CodexRuntime turns against the real app server", () => {
  it("runs a text turn: deltas, message, usage, one turn-end", async () => {
    fx.server.push(
      textReply("Hello from the scripted model.", { usage: { inputTokens: 120, outputTokens: 7 } }),
    );
    const agent = new Agent({ runtime });
    const result = await agent.prompt("Say hello");
    expect(result.text).toBe("Hello from the scripted model.");
    expect(result.stopReason.unified).toBe("end-turn");
    expect(result.usage).toMatchObject({ inputTokens: 120, outputTokens: 7 });
    const request = fx.server.requests.at(-1)!;
    expect(request.api).toBe("openai-responses");
    expect(request.headers.authorization).toBe("Bearer sk-test-key");
    expect(lastInput(request.body)).toMatchObject({
      role: "user",
      content: [{ type: "input_text", text: "Say hello" }],
    });
    await agent.close();
  });

  it("streams reasoning summaries as thinking deltas", async () => {
    fx.server.push({
      content: [
        { type: "thinking", thinking: "Pondering the question." },
        { type: "text", text: "42" },
      ],
    });
    const agent = new Agent({ runtime });
    const events = await streamAll(agent, "Think first");
    const thinking = ofType(events, "message-delta").flatMap((e) =>
      e.delta.kind === "thinking" ? [e.delta.text] : [],
    );
    expect(thinking.join("")).toBe("Pondering the question.");
    const ends = ofType(events, "message-end").map((e) => e.message.content[0]?.type);
    expect(ends).toEqual(["thinking", "text"]);
    await agent.close();
  });

  it("runs an approved command: guard asked, file written, tool events, output back to the model", async () => {
    fx.server.push(
      toolCallReply("exec_command", { cmd: "echo approved > approved.txt && echo wrote" }),
      textReply("Done."),
    );
    const guard = recordingGuard();
    const agent = new Agent({ runtime, guard });
    const events = await streamAll(agent, "Write the file");
    expect(guard.asked).toEqual(["exec_command"]);
    expect(readFileSync(join(fx.work, "approved.txt"), "utf8").trim()).toBe("approved");
    const types = events.map((e) => e.type);
    expect(types.indexOf("permission-decision")).toBeLessThan(types.indexOf("tool-execution-start"));
    const end = ofType(events, "tool-execution-end")[0]!;
    expect(end).toMatchObject({ toolName: "bash", runtimeToolName: "exec_command" });
    expect(end.result.isError).toBeUndefined();
    expect(JSON.stringify(end.result.content)).toContain("wrote");
    expect(JSON.stringify(lastInput(fx.server.requests.at(-1)!.body))).toContain("wrote");
    expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
    await agent.close();
  });

  it("declines a command the guard denies: no file, a denied tool result, the turn goes on", async () => {
    fx.server.push(
      toolCallReply("exec_command", { cmd: "echo no > declined.txt" }),
      textReply("Understood."),
    );
    const agent = new Agent({ runtime, guard: recordingGuard(["exec_command"]) });
    const events = await streamAll(agent, "Try to write");
    expect(existsSync(join(fx.work, "declined.txt"))).toBe(false);
    expect(ofType(events, "permission-decision")[0]?.decision).toBe("deny");
    expect(ofType(events, "tool-execution-start")).toHaveLength(0);
    const end = ofType(events, "tool-execution-end")[0]!;
    expect(end).toMatchObject({ result: { isError: true }, error: { code: "tool-denied" } });
    expect(JSON.stringify(lastInput(fx.server.requests.at(-1)!.body))).toContain("rejected");
    expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
    await agent.close();
  });

  it("cancels a turn waiting on an approval: no file, turn-end cancelled", async () => {
    fx.server.push(toolCallReply("exec_command", { cmd: "echo late > cancelled.txt" }));
    const controller = new AbortController();
    const waiting: ToolCallGuard = {
      beforeToolCall: (_call, signal) =>
        new Promise((resolve) => {
          signal.addEventListener("abort", () =>
            resolve({ decision: "deny", reason: "cancelled", events: [] }),
          );
          controller.abort();
        }),
      afterToolCall: async (_call, result) => ({ result, events: [] }),
    };
    const agent = new Agent({ runtime, guard: waiting });
    const events = await streamAll(agent, "Write late", controller.signal);
    expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "cancelled" } });
    expect(ofType(events, "turn-end")).toHaveLength(1);
    expect(existsSync(join(fx.work, "cancelled.txt"))).toBe(false);
    await agent.close();
  });

  it("lets Codex call an Arky tool that runs in the host, through the guard", async () => {
    const calls: unknown[] = [];
    const add = tool({
      name: "add",
      description: "Adds two numbers.",
      input: z.object({ a: z.number(), b: z.number() }),
      execute: async ({ a, b }, { onUpdate }) => {
        calls.push({ a, b });
        onUpdate("adding");
        return String(a + b);
      },
    });
    fx.server.push(toolCallReply("mcp__arky__add", { a: 2, b: 3 }), textReply("It is 5."));
    const guard = recordingGuard();
    const agent = new Agent({ runtime, tools: [add], guard });
    const events = await streamAll(agent, "Add 2 and 3");
    expect(calls).toEqual([{ a: 2, b: 3 }]);
    expect(guard.asked).toEqual(["add"]);
    expect(ofType(events, "tool-execution-start")[0]).toMatchObject({
      toolName: "add",
      input: { a: 2, b: 3 },
    });
    expect(ofType(events, "tool-execution-update")[0]).toMatchObject({ toolName: "add", update: "adding" });
    const end = ofType(events, "tool-execution-end")[0]!;
    expect(end.result.content).toEqual([{ type: "text", text: "5" }]);
    const output = lastInput(fx.server.requests.at(-1)!.body) as { type: string; output: unknown };
    expect(output.type).toBe("function_call_output");
    expect(JSON.stringify(output.output)).toContain('"5"');
    const tools = (fx.server.requests.at(-1)!.body as { tools: Array<{ name?: string }> }).tools;
    expect(tools.some((t) => t.name === "mcp__arky")).toBe(true);
    const denied = new Agent({ runtime, tools: [add], guard: recordingGuard(["add"]) });
    fx.server.push(toolCallReply("mcp__arky__add", { a: 1, b: 1 }), textReply("Not allowed."));
    const deniedEvents = await streamAll(denied, "Add 1 and 1");
    expect(calls).toHaveLength(1);
    expect(ofType(deniedEvents, "tool-execution-end")[0]).toMatchObject({ error: { code: "tool-denied" } });
    await agent.close();
    await denied.close();
  });

  it("routes apply_patch file changes through the guard: approved writes the file, denied does not", async () => {
    // Codex offers apply_patch (a freeform tool) only to models it knows.
    const known = fx.runtime({ model: "gpt-5.5" });
    const patch = (file: string) => `*** Begin Patch\n*** Add File: ${file}\n+patched\n*** End Patch\n`;
    fx.server.push(toolCallReply("apply_patch", patch("patched.txt")), textReply("Patched."));
    const guard = recordingGuard();
    const events = await streamAll(new Agent({ runtime: known, guard }), "Add a file");
    expect(guard.asked).toEqual(["apply_patch"]);
    expect(readFileSync(join(fx.work, "patched.txt"), "utf8")).toBe("patched\n");
    const end = ofType(events, "tool-execution-end")[0]!;
    expect(end).toMatchObject({ toolName: "apply_patch" });
    expect(end.result.isError).toBeUndefined();
    expect(ofType(events, "tool-execution-start")[0]?.input).toMatchObject({
      changes: [{ kind: { type: "add" } }],
    });

    fx.server.push(toolCallReply("apply_patch", patch("refused.txt")), textReply("Not patched."));
    const denied = await streamAll(
      new Agent({ runtime: known, guard: recordingGuard(["apply_patch"]) }),
      "Add another",
    );
    expect(existsSync(join(fx.work, "refused.txt"))).toBe(false);
    expect(ofType(denied, "tool-execution-end")[0]).toMatchObject({
      result: { isError: true },
      error: { code: "tool-denied" },
    });
    expect(denied.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
  });

  it("resolves rules against codex({ cwd }) when the Agent names no folder: deny and acceptEdits", async () => {
    const known = fx.runtime({ model: "gpt-5.5" });
    const patch = (file: string) => `*** Begin Patch\n*** Add File: ${file}\n+patched\n*** End Patch\n`;
    const agent = new Agent({
      runtime: known,
      permissions: { mode: "acceptEdits", deny: ["Edit(secret/**)"] },
    });
    expect(agent.cwd).toBe(fx.work);
    fx.server.push(
      toolCallReply("apply_patch", patch("secret/keys.txt")),
      toolCallReply("apply_patch", patch("notes.txt")),
      textReply("Done."),
    );
    const events = await streamAll(agent, "Write the key and a note");
    expect(ofType(events, "permission-decision").map((e) => `${e.decision}/${e.source}`)).toEqual([
      "deny/rule",
      "allow/mode",
    ]);
    expect(existsSync(join(fx.work, "secret/keys.txt"))).toBe(false);
    expect(readFileSync(join(fx.work, "notes.txt"), "utf8")).toBe("patched\n");
    expect(ofType(events, "session-start")[0]).toMatchObject({ cwd: fx.work });
    await agent.close();
  });

  it("refuses exec_command and apply_patch by default, with the correction naming the options", async () => {
    const known = fx.runtime({ model: "gpt-5.5" });
    const agent = new Agent({ runtime: known });
    fx.server.push(
      toolCallReply("exec_command", { cmd: "touch default-pwned" }),
      toolCallReply("apply_patch", "*** Begin Patch\n*** Add File: default.txt\n+x\n*** End Patch\n"),
      textReply("Refused."),
    );
    const events = await streamAll(agent, "Do both");
    const decisions = ofType(events, "permission-decision");
    expect(decisions.map((e) => `${e.toolName} ${e.decision}/${e.source}`)).toEqual([
      "bash deny/default",
      "apply_patch deny/default",
    ]);
    for (const decision of decisions)
      expect(decision.reason).toMatch(/permissions: \{ allow: \[.*canUseTool/);
    expect(existsSync(join(fx.work, "default-pwned"))).toBe(false);
    expect(existsSync(join(fx.work, "default.txt"))).toBe(false);
    await agent.close();
  });
});
