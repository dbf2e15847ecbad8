import { describe, expect, it } from "vitest";
import { allowAllGuard, type ToolCallGuard } from "../../src/permissions/index.js";
import type { AgentEventBody } from "../../src/protocol/index.js";
import { createTurnTools } from "../../src/provider/index.js";
import { CodexTurn } from "../../src/providers/codex/codex-turn.js";
import { CodexTurnMapper } from "../../src/providers/codex/map-codex-events.js";
import { ToolRegistry } from "../../src/tools/index.js";

function turn(guard: ToolCallGuard = allowAllGuard) {
  return new CodexTurn(
    {
      sessionId: "s",
      turnId: "t",
      input: { role: "user", content: [{ type: "text", text: "hi" }] },
      history: [],
      tools: new ToolRegistry([]),
      ...createTurnTools(new ToolRegistry([]), guard),
      signal: new AbortController().signal,
    },
    new CodexTurnMapper({ model: "m" }),
  );
}

const usage = (turnId: string, outputTokens: number) => ({
  threadId: "THR",
  turnId,
  tokenUsage: {
    last: { inputTokens: 10, outputTokens },
    total: { inputTokens: 10, outputTokens },
  },
});

async function drain(t: CodexTurn): Promise<AgentEventBody[]> {
  const out: AgentEventBody[] = [];
  for await (const event of t.events) out.push(event);
  return out;
}

describe("CodexTurn routing", () => {
  it("holds notifications until the turn id is known and drops those of other turns", async () => {
    const t = turn();
    t.notify("thread/tokenUsage/updated", usage("OLD", 99));
    t.notify("thread/tokenUsage/updated", usage("NEW", 3));
    t.setTurnId("NEW");
    t.notify("thread/tokenUsage/updated", usage("OTHER", 50));
    t.notify("turn/completed", { threadId: "THR", turn: { id: "OTHER", status: "completed" } });
    t.notify("turn/completed", { threadId: "THR", turn: { id: "NEW", status: "completed" } });
    const events = await drain(t);
    expect(events.map((e) => e.type)).toEqual(["usage", "turn-end"]);
    expect(events.at(-1)).toMatchObject({ usage: { outputTokens: 3 }, modelCalls: 1 });
  });

  it("ends at once on abort even while a guard is still deciding", async () => {
    const undecided: ToolCallGuard = {
      beforeToolCall: () => new Promise(() => {}),
      afterToolCall: async (_call, result) => ({ result, events: [] }),
    };
    const t = turn(undecided);
    t.setTurnId("T");
    const approval = t.approve("item/commandExecution/requestApproval", {
      threadId: "THR",
      turnId: "T",
      itemId: "call_1",
      command: "/bin/bash -lc 'rm -rf x'",
    });
    await t.abort("cancelled");
    const events = await drain(t);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "turn-end", stopReason: { unified: "cancelled" } });
    expect(await Promise.race([approval, Promise.resolve("pending")])).toBe("pending");
  });
});
