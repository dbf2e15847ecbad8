import { describe, expect, it } from "vitest";
import type { Hooks } from "../../src/hooks/index.js";
import { type AgentEvent, addUsage, emptyUsage } from "../../src/protocol/index.js";
import type { Rig } from "./rigs.js";
import { RUNTIMES, useThreeRigs } from "./three-runtimes.js";

// What a turn used, the same on every runtime: its turn-end sums every model call of the
// turn (also when an onStop hook made it go on) and counts what a cancelled call had reported.
// See docs/events.md. Runtimes run one after another (two cores), one of each for the file.

const rigs = useThreeRigs();

const ofType = <T extends AgentEvent["type"]>(events: AgentEvent[], type: T) =>
  events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);

const BLOCK_ONCE: Hooks = {
  onStop: ({ stopHookActive }) =>
    stopHookActive ? undefined : { decision: "block", reason: "run the tests first" },
};

async function turn(rig: Rig, options: { hooks?: Hooks[]; abortAtDelta?: boolean }): Promise<AgentEvent[]> {
  const agent = rig.agent(options.hooks ? { hooks: options.hooks } : {});
  const controller = new AbortController();
  const events: AgentEvent[] = [];
  try {
    for await (const event of agent.stream("work", { signal: controller.signal })) {
      events.push(event);
      if (options.abortAtDelta && event.type === "message-delta") controller.abort();
    }
  } finally {
    await agent.close();
  }
  return events;
}

/** The turn's one turn-end, checked to sum the turn's `usage` events. */
function turnEnd(events: AgentEvent[]) {
  expect(ofType(events, "turn-start")).toHaveLength(1);
  const ends = ofType(events, "turn-end");
  expect(ends).toHaveLength(1);
  expect(events.at(-1)).toBe(ends[0]);
  const usages = ofType(events, "usage");
  expect(ends[0]!.usage).toEqual(usages.map((u) => u.usage).reduce(addUsage, emptyUsage()));
  // Cost is not compared: Claude Code's is the CLI's own total, not a sum of Arky's price table.
  return ends[0]!;
}

describe.each(RUNTIMES)("on %s", (name) => {
  it("a blocking onStop hook continues the one turn, whose turn-end sums both model calls", async () => {
    const rig = rigs[name];
    rig.answer(() => ({
      content: [{ type: "text", text: "done" }],
      usage: { inputTokens: 100, outputTokens: 10 },
    }));
    const events = await turn(rig, { hooks: [BLOCK_ONCE] });
    expect(ofType(events, "hook-decision").map((e) => e.decision)).toEqual(["block", "continue"]);
    expect(turnEnd(events)).toMatchObject({
      stopReason: { unified: "end-turn" },
      modelCalls: 2,
      usage: { inputTokens: 200, outputTokens: 20 },
    });
  });

  it("a cancelled turn counts the usage its model call had reported", async () => {
    const rig = rigs[name];
    rig.answer(() => ({
      content: [{ type: "text", text: "slow ".repeat(40), chunks: 40 }],
      chunkDelayMs: 100,
      usage: { inputTokens: 1234, outputTokens: 50 },
    }));
    const end = turnEnd(await turn(rig, { abortAtDelta: true }));
    expect(end.stopReason.unified).toBe("cancelled");
    // Codex reports usage only with a completed response: a cancelled one reported nothing.
    expect(end.usage.inputTokens).toBe(name === "codex" ? 0 : 1234);
  });
});
