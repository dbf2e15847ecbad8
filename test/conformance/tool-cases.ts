import { z } from "zod";
import type { AgentEvent } from "../../src/protocol/index.js";
import { type Tool, tool } from "../../src/tools/index.js";
import type { GuardConfig, Rig } from "./rigs.js";

/** Resolves when the signal aborts (never otherwise): a tool that runs until it is stopped. */
const untilAborted = (signal: AbortSignal) =>
  new Promise<string>((resolve) =>
    signal.addEventListener("abort", () => resolve("stopped"), { once: true }),
  );

/** The tools every row offers, defined once with `tool()` and zod; names include an MCP-style one. */
export const TOOLS: Tool[] = [
  tool({
    name: "probe/echo",
    description: "Echoes its text.",
    input: z.object({ text: z.string() }),
    execute: ({ text }, { onUpdate }) => {
      onUpdate("echoing");
      return text;
    },
  }),
  tool({
    name: "crash",
    description: "Always fails.",
    input: z.object({}),
    execute: () => {
      throw new Error("the tool crashed");
    },
  }),
  tool({
    name: "count",
    description: "Counts to n.",
    input: z.object({ n: z.number() }),
    execute: ({ n }) => String(n),
  }),
  tool({
    name: "refuse",
    description: "Answers with an error result of its own.",
    input: z.object({}),
    execute: () => ({ content: [{ type: "text", text: "nothing to see" }], isError: true }),
  }),
  tool({
    name: "sleepy",
    description: "Takes too long.",
    input: z.object({}),
    timeoutMs: 300,
    execute: (_input, { signal }) => untilAborted(signal),
  }),
  tool({
    name: "wait",
    description: "Runs until cancelled.",
    input: z.object({}),
    execute: (_input, { signal }) => untilAborted(signal),
  }),
];

/**
 * Hooks on every row: one before and one after every tool call, both recorded as decisions.
 * The tools are not read-only, so they run by the `bypass` mode.
 */
export const CONFIG: GuardConfig = {
  permissions: { mode: "bypass" },
  hooks: [
    { name: "before", beforeToolCall: () => ({ reason: "seen" }) },
    { name: "after", afterToolCall: () => ({ additionalContext: "checked by after" }) },
  ],
};

/** One row: the call the model makes, and the event sequence every runtime must produce for it. */
export interface ToolCase {
  name: string;
  tool: string;
  input: unknown;
  abortOnStart?: boolean;
  /** The tool's events in order (see {@link toolSequence}). */
  sequence: string[];
  /** How the turn ends. */
  stop: "end-turn" | "cancelled";
  /** Text the model must find in the result it received (when the turn went on to ask it). */
  modelSees?: RegExp;
  /** A runtime's documented difference (see docs/hooks-and-permissions.md). */
  differs?: Partial<Record<Rig["name"], { sequence?: string[]; modelSees?: RegExp }>>;
}

const BEFORE = ["hook-decision before/beforeToolCall/continue", "permission-decision allow/mode"];
const AFTER = ["hook-decision after/afterToolCall/modify"];

export const TOOL_CASES: ToolCase[] = [
  {
    name: "a tool that succeeds: start, update, after-hooks, end",
    tool: "probe/echo",
    input: { text: "hello there" },
    sequence: [...BEFORE, "start", "update", ...AFTER, "end ok"],
    stop: "end-turn",
    modelSees: /hello there/,
  },
  {
    name: "a tool that throws: no after-hooks, the end carries tool-execution",
    tool: "crash",
    input: {},
    sequence: [...BEFORE, "start", "end tool-execution"],
    stop: "end-turn",
    modelSees: /the tool crashed/,
  },
  {
    name: "a tool's own error result: it completed, so after-hooks run and the end has no error",
    tool: "refuse",
    input: {},
    sequence: [...BEFORE, "start", ...AFTER, "end ok"],
    stop: "end-turn",
    modelSees: /nothing to see/,
  },
  {
    name: "invalid input: no start, no after-hooks, the end carries tool-input-invalid",
    tool: "count",
    input: { n: "two" },
    sequence: [...BEFORE, "end tool-input-invalid"],
    stop: "end-turn",
    modelSees: /Invalid input for tool .{1,2}count/,
  },
  {
    name: "a tool that times out: no after-hooks, the end carries tool-timeout",
    tool: "sleepy",
    input: {},
    sequence: [...BEFORE, "start", "end tool-timeout"],
    stop: "end-turn",
    modelSees: /did not finish within 300 ms/,
  },
  {
    name: "a tool cancelled mid-run: no after-hooks, the end carries cancelled",
    tool: "wait",
    input: {},
    abortOnStart: true,
    sequence: [...BEFORE, "start", "end cancelled"],
    stop: "cancelled",
  },
];

const TOOL_EVENTS = new Set([
  "permission-decision",
  "hook-decision",
  "tool-execution-start",
  "tool-execution-update",
  "tool-execution-end",
]);

/**
 * The tool's events of a turn, as comparable lines: decisions with their source or hook,
 * start, updates, and the end with its error code (`ok` without one). Every tool event
 * must carry the Arky name of the tool (`toolName`).
 */
export function toolSequence(events: AgentEvent[], toolName: string): string[] {
  const lines: string[] = [];
  for (const event of events) {
    if (!TOOL_EVENTS.has(event.type)) continue;
    if ("toolName" in event && event.toolName !== toolName) lines.push(`wrong toolName ${event.toolName}`);
    switch (event.type) {
      case "permission-decision":
        lines.push(`permission-decision ${event.decision}/${event.source}`);
        break;
      case "hook-decision":
        lines.push(`hook-decision ${event.hook}/${event.hookEvent}/${event.decision}`);
        break;
      case "tool-execution-start":
        lines.push("start");
        break;
      case "tool-execution-update":
        lines.push("update");
        break;
      case "tool-execution-end":
        lines.push(`end ${event.error?.code ?? "ok"}`);
        break;
    }
  }
  return lines;
}
