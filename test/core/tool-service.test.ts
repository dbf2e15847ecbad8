import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { ToolCallGuard } from "../../src/permissions/index.js";
import type { AgentEventBody, ToolResultBlock } from "../../src/protocol/index.js";
import { createTurnTools } from "../../src/provider/index.js";
import { ToolRegistry, tool } from "../../src/tools/index.js";

// The one tool path every runtime calls (TurnRequest.runTool / decide / endTool).

/** A guard that denies the listed tools and records what it was asked. */
function recordingGuard(deny: string[] = []): ToolCallGuard & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    async beforeToolCall(call) {
      log.push(`before ${call.toolName} ${call.readOnly ? "ro" : "rw"}`);
      const events: AgentEventBody[] = [
        {
          type: "permission-decision",
          toolCallId: call.toolCallId,
          toolName: call.toolName,
          decision: deny.includes(call.toolName) ? "deny" : "allow",
          source: "rule",
        },
      ];
      return deny.includes(call.toolName)
        ? { decision: "deny", reason: `no ${call.toolName}`, events }
        : { decision: "allow", input: call.input, events };
    },
    async afterToolCall(call, result) {
      log.push(`after ${call.toolName}`);
      return {
        result: { ...result, content: [...result.content, { type: "text", text: "+after" }] },
        events: [],
      };
    },
  };
}

const tools = new ToolRegistry([
  tool({
    name: "add",
    description: "Adds.",
    input: z.object({ a: z.number() }),
    execute: ({ a }) => String(a + 1),
  }),
]);

function recorder() {
  const events: AgentEventBody[] = [];
  return {
    events,
    options: { signal: new AbortController().signal, emit: (e: AgentEventBody) => void events.push(e) },
  };
}

const line = (e: AgentEventBody) =>
  e.type === "tool-execution-end" ? `end ${e.error?.code ?? "ok"}` : e.type.replace("tool-execution-", "");

const result = (text: string): ToolResultBlock => ({
  type: "tool-result",
  toolUseId: "c1",
  content: [{ type: "text", text }],
});

describe("createTurnTools", () => {
  it("runTool: decision → start → after-hooks → end; invalid input has no start and no after-hooks", async () => {
    const guard = recordingGuard();
    const turn = createTurnTools(tools, guard);
    const ok = recorder();
    const done = await turn.runTool({ id: "c1", name: "add", input: { a: 1 } }, ok.options);
    expect(done.content.map((b) => (b.type === "text" ? b.text : ""))).toEqual(["2", "+after"]);
    expect(ok.events.map(line)).toEqual(["permission-decision", "start", "end ok"]);
    const bad = recorder();
    await turn.runTool({ id: "c2", name: "add", input: { a: "one" } }, bad.options);
    expect(bad.events.map(line)).toEqual(["permission-decision", "end tool-input-invalid"]);
    expect(guard.log).toEqual(["before add rw", "after add", "before add rw"]);
  });

  it("runTool: an unknown tool is not shown to the guard; a denied one never runs", async () => {
    const guard = recordingGuard(["add"]);
    const turn = createTurnTools(tools, guard);
    const unknown = recorder();
    await turn.runTool({ id: "c1", name: "nope", input: {} }, unknown.options);
    expect(unknown.events.map(line)).toEqual(["end tool-not-found"]);
    const denied = recorder();
    const refused = await turn.runTool({ id: "c2", name: "add", input: { a: 1 } }, denied.options);
    expect(refused).toMatchObject({ isError: true, content: [{ text: "no add" }] });
    expect(denied.events.map(line)).toEqual(["permission-decision", "end tool-denied"]);
    expect(guard.log).toEqual(["before add rw"]);
  });

  it("decide asks once per call; endTool runs after-hooks only for a completed call", async () => {
    const guard = recordingGuard(["Bash"]);
    const turn = createTurnTools(tools, guard);
    const first = recorder();
    const again = recorder();
    const read = { id: "r1", name: "Read", input: { path: "a" }, readOnly: true };
    expect(await turn.decide(read, first.options)).toEqual({ decision: "allow", input: { path: "a" } });
    expect(await turn.decide(read, again.options)).toEqual({ decision: "allow", input: { path: "a" } });
    expect([first.events.length, again.events.length]).toEqual([1, 0]);

    const ended = recorder();
    const seen = await turn.endTool(read, { result: result("text") }, ended.options);
    expect(seen.content).toHaveLength(2);
    const failed = await turn.endTool(
      { id: "r2", name: "Read", input: {} },
      { result: result("boom"), error: { code: "cancelled", message: "stop", retryable: false } },
      ended.options,
    );
    expect(failed.content).toHaveLength(1);
    const bash = { id: "b1", name: "Bash", input: { command: "rm" } };
    await turn.decide(bash, ended.options);
    await turn.endTool(bash, { result: result("the CLI's own refusal text") }, ended.options);
    expect(ended.events.filter((e) => e.type === "tool-execution-end")).toMatchObject([
      { toolCallId: "r1" },
      { toolCallId: "r2", error: { code: "cancelled" } },
      { toolCallId: "b1", error: { code: "tool-denied", message: "no Bash" } },
    ]);
    expect(guard.log).toEqual(["before Read ro", "after Read", "before Bash rw"]);
  });

  it("a guard that never answers (even to an aborted signal) cannot keep a cancelled call open", async () => {
    const silent: ToolCallGuard = {
      beforeToolCall: () => new Promise(() => {}),
      afterToolCall: async (_call, result) => ({ result, events: [] }),
    };
    const turn = createTurnTools(tools, silent);
    const controller = new AbortController();
    const events: AgentEventBody[] = [];
    const options = { signal: controller.signal, emit: (e: AgentEventBody) => void events.push(e) };
    const running = turn.runTool({ id: "a1", name: "add", input: { a: 1 } }, options);
    controller.abort();
    const seen = await running;
    expect(seen.isError).toBe(true);
    expect(events.map(line)).toEqual(["end tool-denied"]);
    // Asked only after the abort: the answer is the same, at once.
    const late = await turn.decide({ id: "a2", name: "Read", input: {} }, options);
    expect(late).toMatchObject({ decision: "deny", reason: expect.stringMatching(/cancel/i) });
  });
});
