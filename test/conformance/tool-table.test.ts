import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/protocol/index.js";
import type { Rig } from "./rigs.js";
import { RUNTIMES, useThreeRigs } from "./three-runtimes.js";
import { CONFIG, TOOL_CASES, TOOLS, type ToolCase, toolSequence } from "./tool-cases.js";

// One table, three runtimes: the same Arky tool (`tool()` + zod) offered to the native loop,
// the real Claude Code CLI (over the in-process MCP bridge) and the real Codex app server
// (over the loopback MCP bridge). For each outcome of a call (success, throw, invalid input,
// timeout, cancellation) the tool's events, hook decisions and error codes are the same on
// every runtime. Runtimes run one after another (two cores), one runtime for the whole file.

const rigs = useThreeRigs();

function expectedOn(testCase: ToolCase, name: Rig["name"]) {
  const differs = testCase.differs?.[name];
  return {
    sequence: differs?.sequence ?? testCase.sequence,
    modelSees: differs?.modelSees ?? testCase.modelSees,
  };
}

describe.each(TOOL_CASES)("$name", (testCase) => {
  const sequences = new Map<Rig["name"], string[]>();

  it.each(RUNTIMES)("on %s", async (name) => {
    const { events, modelSaw } = await rigs[name].call({
      config: CONFIG,
      tools: TOOLS,
      name: testCase.tool,
      input: testCase.input,
      abortOnStart: testCase.abortOnStart,
    });
    const expected = expectedOn(testCase, name);
    const sequence = toolSequence(events, testCase.tool);
    sequences.set(name, sequence);
    expect(sequence).toEqual(expected.sequence);

    const ends = events.filter(
      (e): e is Extract<AgentEvent, { type: "tool-execution-end" }> => e.type === "tool-execution-end",
    );
    expect(ends).toHaveLength(1);
    if (ends[0]!.error) expect(ends[0]!.result.isError).toBe(true);
    if (expected.modelSees) expect(modelSaw).toMatch(expected.modelSees);
    // An after-hook's context reaches the model only for a call that completed.
    if (modelSaw !== undefined && !expected.sequence.includes("hook-decision after/afterToolCall/modify"))
      expect(modelSaw).not.toMatch(/checked by after/);

    const turnEnds = events.filter((e) => e.type === "turn-end");
    expect(turnEnds).toHaveLength(1);
    expect(events.at(-1)).toBe(turnEnds[0]);
    expect(turnEnds[0]).toMatchObject({ stopReason: { unified: testCase.stop } });
  });

  it("produces the same tool events on every runtime (but documented differences)", () => {
    expect([...sequences.keys()].sort()).toEqual([...RUNTIMES].sort());
    const common = sequences.get("native")!;
    for (const name of RUNTIMES) {
      // A documented difference must be real: when it goes away, the table and the docs change.
      if (testCase.differs?.[name]?.sequence) expect(sequences.get(name)).not.toEqual(common);
      else expect(sequences.get(name)).toEqual(common);
    }
  });
});

// The runtime's own shell tool (`bash`, Claude Code's `Bash`, Codex's `exec_command`): its
// events carry the canonical name and the input `bash` takes on every runtime, the
// runtime's own name apart. Codex's `cwd` is left out when it is the session's folder.
describe("a shell command", () => {
  const RUNTIME_NAMES = { native: undefined, "claude-code": "Bash", codex: "exec_command" } as const;

  it.each(RUNTIMES)("has the same tool name and input on %s", async (name) => {
    const { events } = await rigs[name].run({ permissions: { mode: "bypass" } }, "echo same");
    const toolEvents = events.filter(
      (e): e is Extract<AgentEvent, { type: "tool-execution-start" | "tool-execution-end" }> =>
        e.type === "tool-execution-start" || e.type === "tool-execution-end",
    );
    expect(toolEvents.map((e) => e.type)).toEqual(["tool-execution-start", "tool-execution-end"]);
    for (const event of toolEvents) {
      expect(event.toolName).toBe("bash");
      expect(event.runtimeToolName).toBe(RUNTIME_NAMES[name]);
    }
    const input = toolEvents[0]!.type === "tool-execution-start" ? toolEvents[0]!.input : undefined;
    expect(input).toMatchObject({ command: "echo same" });
    // The model's own optional fields (Claude Code's `description`) aside, only `command`.
    expect(Object.keys(input as object).filter((key) => key !== "description")).toEqual(["command"]);
    expect(events.find((e) => e.type === "permission-decision")).toMatchObject({ toolName: "bash" });
  });
});
