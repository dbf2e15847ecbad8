import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../src/core/index.js";
import type { ClaudeCodeRuntime } from "../../src/providers/claude-code/index.js";
import { InMemorySessionStore } from "../../src/session/index.js";
import { runtimeFor, startServer, tempDir } from "./harness.js";

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

let harness: Awaited<ReturnType<typeof startServer>>;
const runtimes: ClaudeCodeRuntime[] = [];
const store = new InMemorySessionStore();
const cwd = tempDir("sessions");
const configDir = tempDir("sessions-config");
let sessionId: string;
let claudeSessionId: string;

function runtime(options: { configDir?: string } = {}): ClaudeCodeRuntime {
  const r = runtimeFor(harness.server.baseUrl, { cwd, configDir: options.configDir ?? configDir });
  runtimes.push(r);
  return r;
}

function transcriptFiles(dir: string): string[] {
  const projects = join(dir, "projects");
  if (!existsSync(projects)) return [];
  return readdirSync(projects).flatMap((p) =>
    readdirSync(join(projects, p))
      .filter((f) => f.endsWith(".jsonl"))
      .map((f) => join(projects, p, f)),
  );
}

beforeAll(async () => {
  harness = await startServer();
  harness.answer(() => ({ content: [{ type: "text", text: "noted" }] }));
  const first = new Agent({ runtime: runtime(), store });
  await first.prompt("remember the word PELICAN");
  sessionId = first.sessionId;
  await first.close();
  const meta = await store.get(sessionId);
  claudeSessionId = String(meta?.runtimeState?.claudeSessionId);
  expect(meta?.runtimeState?.transcript).toContain("PELICAN");
});

afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.close()));
  await harness?.server.close();
});

describe("ClaudeCodeRuntime sessions (real claude CLI)", () => {
  it("resumes a session in a new runtime with the CLI's own history", async () => {
    const agent = await Agent.resume(sessionId, { runtime: runtime(), store });
    harness.answer(() => ({ content: [{ type: "text", text: "it was PELICAN" }] }));
    const result = await agent.prompt("which word did I ask you to remember?");
    expect(result.text).toBe("it was PELICAN");
    expect(JSON.stringify(harness.modelCalls().at(-1)!.body)).toContain("remember the word PELICAN");
    expect((await store.get(sessionId))?.runtimeState?.claudeSessionId).toBe(claudeSessionId);
    await agent.close();
  });

  it("forks into a new CLI session and leaves the original transcript alone", async () => {
    const original = transcriptFiles(configDir).find((f) => f.includes(claudeSessionId))!;
    const before = readFileSync(original, "utf8");
    const fork = await Agent.fork(sessionId, { runtime: runtime(), store });
    harness.answer(() => ({ content: [{ type: "text", text: "forked answer" }] }));
    await fork.prompt("a question only the fork sees");
    const sent = JSON.stringify(harness.modelCalls().at(-1)!.body);
    expect(sent).toContain("remember the word PELICAN");
    const forkState = (await store.get(fork.sessionId))?.runtimeState;
    expect(forkState?.claudeSessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(forkState?.claudeSessionId).not.toBe(claudeSessionId);
    expect(readFileSync(original, "utf8")).toBe(before);
    expect((await store.get(fork.sessionId))?.parentSessionId).toBe(sessionId);
    await fork.close();
  });

  it("resumes where the CLI's transcript is gone (a fresh config home) from Arky's copy", async () => {
    const fresh = tempDir("fresh-config");
    expect(transcriptFiles(fresh)).toEqual([]);
    const agent = await Agent.resume(sessionId, { runtime: runtime({ configDir: fresh }), store });
    harness.answer(() => ({ content: [{ type: "text", text: "still PELICAN" }] }));
    const result = await agent.prompt("and now, on another machine?");
    expect(result.text).toBe("still PELICAN");
    expect(JSON.stringify(harness.modelCalls().at(-1)!.body)).toContain("remember the word PELICAN");
    expect(transcriptFiles(fresh).some((f) => f.includes(claudeSessionId))).toBe(true);
    await agent.close();
  });

  it("rejects stored state that is not a Claude Code state", async () => {
    const r = runtime();
    await expect(
      r.restoreState("x", { claudeSessionId: "../../etc/passwd" }, { fork: false }),
    ).rejects.toMatchObject({
      code: "invalid-request",
    });
  });
});

describe("ClaudeCodeRuntime forks at a seq (real claude CLI)", () => {
  /** A session of two turns: PELICAN, then OSPREY; the seqs of its events by type. */
  async function twoTurns() {
    harness.answer(() => ({ content: [{ type: "text", text: "noted" }] }));
    const agent = new Agent({ runtime: runtime(), store });
    const first = await collect(agent.stream("remember the word PELICAN"));
    await agent.prompt("now also remember OSPREY");
    await agent.close();
    return { sessionId: agent.sessionId, first };
  }

  it("resumes the CLI at the end of the kept turn: the model sees that history, not what came after", async () => {
    const { sessionId, first } = await twoTurns();
    const atSeq = first.find((e) => e.type === "turn-end")!.seq;
    const fork = await Agent.fork(sessionId, { runtime: runtime(), store, atSeq });
    harness.answer(() => ({ content: [{ type: "text", text: "forked answer" }] }));
    expect((await fork.prompt("which words?")).text).toBe("forked answer");
    const sent = JSON.stringify((harness.modelCalls().at(-1)!.body as { messages: unknown }).messages);
    expect(sent).toContain("remember the word PELICAN");
    expect(sent).not.toContain("OSPREY");
    // The fork's own state records its turns, so a fork of the fork cuts right too.
    const forkTurns = (await store.get(fork.sessionId))?.runtimeState?.turns as unknown[];
    expect(forkTurns).toHaveLength(2);
    await fork.close();
  });

  it("starts a new CLI conversation for a fork before the first turn", async () => {
    const { sessionId } = await twoTurns();
    const fork = await Agent.fork(sessionId, { runtime: runtime(), store, atSeq: 1 });
    harness.answer(() => ({ content: [{ type: "text", text: "fresh" }] }));
    await fork.prompt("hello again");
    const sent = JSON.stringify((harness.modelCalls().at(-1)!.body as { messages: unknown }).messages);
    expect(sent).not.toContain("PELICAN");
    await fork.close();
  });

  it("refuses a fork inside a turn with capability-unsupported, and stores nothing", async () => {
    const { sessionId, first } = await twoTurns();
    const atSeq = first.find((e) => e.type === "message-end")!.seq;
    const before = (await store.list()).length;
    await expect(Agent.fork(sessionId, { runtime: runtime(), store, atSeq })).rejects.toMatchObject({
      code: "capability-unsupported",
      correction: expect.stringContaining("turn-end"),
    });
    expect(await store.list()).toHaveLength(before);
  });
});
