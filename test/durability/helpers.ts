import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { AgentEvent } from "../../src/protocol/index.js";
import type { SessionStore } from "../../src/session/index.js";
import type { RecordedRequest, ScriptStep } from "../../src/testing/index.js";

/** Whether the build the child imports exists. */
export const distBuilt = existsSync(join(process.cwd(), "dist/index.js"));

/** Tool rounds per turn the scripted model asks for before answering with text. */
export const ROUNDS = 3;

type WireMessage = { role: string; content: string | { type: string; text?: string }[] };

/**
 * The scripted model: in each turn (counted from the last user message with text), a
 * `step` tool call per round (two in the first round, run in parallel), then a text answer.
 */
export function crashScript(request: RecordedRequest): ScriptStep {
  const messages = (request.body as { messages: WireMessage[] }).messages;
  const start = messages.findLastIndex(
    (m) => m.role === "user" && (typeof m.content === "string" || m.content.some((b) => b.type === "text")),
  );
  const prompt = messages[start]?.content;
  const text = typeof prompt === "string" ? prompt : prompt?.map((b) => b.text ?? "").join("");
  if (text?.includes("resume-check")) return { content: [{ type: "text", text: "resumed" }] };
  const round = Math.floor((messages.length - 1 - start) / 2);
  if (round >= ROUNDS)
    return { content: [{ type: "text", text: `finished after ${round} rounds`, chunks: 3 }] };
  const calls = round === 0 ? [0, 1] : [round * 2];
  return {
    content: [
      { type: "text", text: `round ${round}`, chunks: 2 },
      ...calls.map((n) => ({ type: "tool-use" as const, name: "step", input: { n } })),
    ],
  };
}

/** What the child printed: one line per committed non-delta event. */
export interface ChildReport {
  ready: boolean;
  done: boolean;
  events: { seq: number; type: string }[];
}

/** Spawns the crash child with the repo's node; collects its stdout lines. */
export function spawnChild(env: Record<string, string>): {
  child: ChildProcess;
  report: ChildReport;
  stderr: () => string;
} {
  const child = spawn(process.execPath, [join(import.meta.dirname, "fixtures/crash-child.mjs")], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const report: ChildReport = { ready: false, done: false, events: [] };
  let buffer = "";
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  child.stdout!.on("data", (chunk) => {
    buffer += chunk;
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const text of lines) {
      const value = JSON.parse(text) as { ready?: true; done?: true; seq?: number; type?: string };
      if (value.ready) report.ready = true;
      else if (value.done) report.done = true;
      else report.events.push({ seq: value.seq!, type: value.type! });
    }
  });
  return { child, report, stderr: () => stderr };
}

/** Reads a whole session. */
export async function readAll(store: SessionStore, sessionId: string): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of store.read(sessionId)) events.push(event);
  return events;
}

/** Every tool_use in an Anthropic request has its tool_result in the next message. */
export function expectPairedToolCalls(body: unknown, context: string): void {
  const messages = (
    body as {
      messages: { role: string; content: { type: string; id?: string; tool_use_id?: string }[] | string }[];
    }
  ).messages;
  messages.forEach((message, i) => {
    if (message.role !== "assistant" || typeof message.content === "string") return;
    const ids = message.content.filter((b) => b.type === "tool_use").map((b) => b.id);
    if (ids.length === 0) return;
    const next = messages[i + 1];
    const results =
      next && typeof next.content !== "string"
        ? next.content.filter((b) => b.type === "tool_result").map((b) => b.tool_use_id)
        : [];
    expect(results, `${context}: results after message ${i}`).toEqual(expect.arrayContaining(ids));
  });
}
