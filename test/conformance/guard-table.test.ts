import { describe, expect, it } from "vitest";
import { z } from "zod";
import { deniedReason } from "../../src/permissions/index.js";
import type { AgentEvent } from "../../src/protocol/index.js";
import { tool } from "../../src/tools/index.js";
import { CASES, expectedOn } from "./cases.js";
import type { Rig, TurnOutcome } from "./rigs.js";
import { RUNTIMES, useThreeRigs } from "./three-runtimes.js";
import { toolSequence } from "./tool-cases.js";

// One table, three runtimes: the same permissions and hooks, a model that asks for one
// shell command, and the same decisions, events and file-system outcome on each. The
// runtimes run one after another (two cores): one Codex app server for the whole file,
// one Claude Code runtime whose sessions start and close one at a time.

const rigs = useThreeRigs();

const ofType = <T extends AgentEvent["type"]>(events: AgentEvent[], type: T) =>
  events.filter((e): e is Extract<AgentEvent, { type: T }> => e.type === type);

/** The decisions a turn recorded, in order: what must be the same on every runtime. */
function decisions(events: AgentEvent[]) {
  return {
    permissions: ofType(events, "permission-decision").map((e) => `${e.decision}/${e.source}`),
    hooks: ofType(events, "hook-decision").map((e) => `${e.hook}/${e.decision}`),
  };
}

describe.each(CASES)("$name", (testCase) => {
  const outcomes = new Map<Rig["name"], TurnOutcome>();

  it.each(RUNTIMES)("on %s", async (name) => {
    const rig = rigs[name];
    const expected = expectedOn(testCase, name);
    const outcome = await rig.run(testCase.config, testCase.command);
    outcomes.set(name, outcome);
    const { events, modelSaw } = outcome;

    expect(decisions(events)).toEqual({ permissions: expected.permissions, hooks: expected.hooks });
    for (const file of expected.present) expect(rig.exists(file), `${file} was created`).toBe(true);
    for (const file of expected.absent) expect(rig.exists(file), `${file} was not created`).toBe(false);

    const permission = ofType(events, "permission-decision")[0]!;
    expect(permission.toolName).toBe("bash");
    if (expected.reason) expect(permission.reason).toMatch(expected.reason);
    if (expected.runs !== undefined && expected.runs !== testCase.command)
      expect(permission.updatedInput).toMatchObject({ command: expected.runs });
    const denied = permission.decision === "deny";
    const end = ofType(events, "tool-execution-end");
    expect(end).toHaveLength(1);
    expect(Boolean(end[0]!.result.isError)).toBe(denied);
    if (denied) {
      expect(end[0]).toMatchObject({ error: { code: "tool-denied" } });
      // The event keeps the guard's reason on every runtime, whatever text the model got.
      expect(end[0]!.error!.message).toBe(deniedReason("bash", permission.reason ?? ""));
    }
    expect(modelSaw).toBeDefined();
    if (expected.modelSees) expect(modelSaw).toMatch(expected.modelSees);
    if (expected.modelLacks) expect(modelSaw).not.toMatch(expected.modelLacks);
    const started = ofType(events, "tool-execution-start");
    if (expected.runs === undefined) expect(started).toHaveLength(0);
    else {
      expect(started).toHaveLength(1);
      expect((started[0]!.input as { command?: unknown }).command).toBe(expected.runs);
    }

    for (const hook of ofType(events, "hook-decision")) {
      expect(hook.hookEvent).toBe(hook.hook === "annotate" ? "afterToolCall" : "beforeToolCall");
      if (hook.decision === "error") expect(hook.reason).toMatch(/hook crashed/);
    }
    const ends = ofType(events, "turn-end");
    expect(ends).toHaveLength(1);
    expect(events.at(-1)).toBe(ends[0]);
    expect(ends[0]).toMatchObject({ stopReason: { unified: "end-turn" } });
    expect(ends[0]!.error).toBeUndefined();
  });

  it("records the same decisions on every runtime (but documented differences)", () => {
    expect([...outcomes.keys()].sort()).toEqual([...RUNTIMES].sort());
    const differs = (name: Rig["name"]) =>
      testCase.differs?.[name]?.permissions !== undefined || testCase.differs?.[name]?.hooks !== undefined;
    const common = decisions(outcomes.get("native")!.events);
    for (const name of RUNTIMES) {
      const recorded = decisions(outcomes.get(name)!.events);
      // A documented difference must be real: when it goes away, the table and the docs change.
      if (differs(name)) expect(recorded).not.toEqual(common);
      else expect(recorded).toEqual(common);
    }
  });
});

// Safe by default: an Agent with no permissions runs a read-only tool and refuses one that
// changes something, with the same correction on every runtime (Arky's tools, bridged).
describe("no permissions configured", () => {
  const written: string[] = [];
  const tools = [
    tool({
      name: "look",
      description: "Reads a note.",
      input: z.object({ key: z.string() }),
      readOnly: true,
      execute: ({ key }) => `note ${key}`,
    }),
    tool({
      name: "store",
      description: "Stores a note.",
      input: z.object({ key: z.string() }),
      execute: ({ key }) => {
        written.push(key);
        return "stored";
      },
    }),
  ];

  it.each(RUNTIMES)("a read-only tool runs on %s", async (name) => {
    const { events, modelSaw } = await rigs[name].call({
      config: {},
      tools,
      name: "look",
      input: { key: "a" },
    });
    expect(toolSequence(events, "look")).toEqual(["permission-decision allow/mode", "start", "end ok"]);
    expect(modelSaw).toMatch(/note a/);
  });

  it.each(RUNTIMES)("a tool that is not read-only is refused on %s, naming the options", async (name) => {
    const { events, modelSaw } = await rigs[name].call({
      config: {},
      tools,
      name: "store",
      input: { key: name },
    });
    expect(toolSequence(events, "store")).toEqual(["permission-decision deny/default", "end tool-denied"]);
    expect(written).not.toContain(name);
    const reason = ofType(events, "permission-decision")[0]!.reason ?? "";
    expect(reason).toMatch(
      /permissions: \{ allow: \["store"\] \}.*mode: "acceptEdits".*"bypass".*permissions\.canUseTool/,
    );
    // The model gets the refusal and its correction (Codex passes it on JSON-encoded).
    expect(modelSaw).toContain("Permission to use store was denied");
    expect(modelSaw).toMatch(/or a permissions\.canUseTool callback/);
  });
});

// One working folder: an Agent that names none works where its runtime (Claude Code, Codex)
// or its tools (native: codingTools({ cwd })) were told to, and records that folder.
describe("an Agent without cwd", () => {
  it.each(RUNTIMES)("works in and records the runtime's or tools' folder on %s", async (name) => {
    const rig = rigs[name];
    const { events } = await rig.run({ cwd: undefined, permissions: { mode: "bypass" } }, "touch folder.txt");
    expect(ofType(events, "session-start")[0]).toMatchObject({ cwd: rig.cwd });
    expect(rig.exists("folder.txt")).toBe(true);
  });
});
