import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../src/core/index.js";
import { ArkyError } from "../../src/protocol/index.js";
import { type ClaudeCodeRuntime, claudeCode } from "../../src/providers/claude-code/index.js";
import { InMemorySessionStore } from "../../src/session/index.js";
import { claudePids, cliOptions, runtimeFor, startServer, tempDir } from "./harness.js";

// The tests run in order: each one leaves the CLI's "most recent conversation" of the cwd
// that the next one relies on. One CLI process at a time.
let harness: Awaited<ReturnType<typeof startServer>>;
const runtimes: ClaudeCodeRuntime[] = [];
const store = new InMemorySessionStore();
const cwd = tempDir("continue");
const configDir = tempDir("continue-config");
let firstClaudeSessionId: string;

function runtime(extra: { continue?: boolean; cwd?: string } = {}): ClaudeCodeRuntime {
  const r = runtimeFor(harness.server.baseUrl, { cwd, configDir, ...extra });
  runtimes.push(r);
  return r;
}

function lastSent(): string {
  return JSON.stringify(harness.modelCalls().at(-1)!.body);
}

beforeAll(async () => {
  harness = await startServer();
  harness.answer(() => ({ content: [{ type: "text", text: "first answer" }] }));
  const first = new Agent({ runtime: runtime(), store });
  const result = await first.prompt("remember the word HERON");
  expect(result.text).toBe("first answer");
  firstClaudeSessionId = String((await store.get(first.sessionId))?.runtimeState?.claudeSessionId);
  expect(firstClaudeSessionId).toMatch(/^[0-9a-f-]{36}$/);
  await first.close();
});

afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.close()));
  await harness?.server.close();
});

describe("ClaudeCodeRuntime continue (real claude CLI)", () => {
  it("a new session with continue: true picks up the CLI's most recent conversation in the cwd", async () => {
    const agent = new Agent({ runtime: runtime({ continue: true }), store });
    harness.answer(() => ({ content: [{ type: "text", text: "it was HERON" }] }));
    const result = await agent.prompt("which word did I ask you to remember?");
    expect(result.text).toBe("it was HERON");
    const sent = lastSent();
    expect(sent).toContain("remember the word HERON");
    expect(sent).toContain("first answer");
    // The CLI keeps the continued session's id; Arky stores it like any other.
    const state = (await store.get(agent.sessionId))?.runtimeState;
    expect(state?.claudeSessionId).toBe(firstClaudeSessionId);
    expect(state?.transcript).toContain("it was HERON");

    // A later turn runs in the same process and carries the whole conversation.
    harness.answer(() => ({ content: [{ type: "text", text: "third answer" }] }));
    await agent.prompt("and again?");
    const again = lastSent();
    expect(again).toContain("first answer");
    expect(again).toContain("it was HERON");
    await agent.close();

    // Resuming that Arky session later resumes the continued CLI session by id.
    const resumed = await Agent.resume(agent.sessionId, { runtime: runtime({ continue: true }), store });
    harness.answer(() => ({ content: [{ type: "text", text: "resumed answer" }] }));
    await resumed.prompt("still there?");
    expect(lastSent()).toContain("third answer");
    await resumed.close();
  });

  it("without continue, a new session in the same cwd starts empty (control)", async () => {
    const agent = new Agent({ runtime: runtime(), store });
    harness.answer(() => ({ content: [{ type: "text", text: "fresh answer" }] }));
    await agent.prompt("which word did I ask you to remember?");
    const sent = lastSent();
    expect(sent).toContain("which word did I ask you to remember?");
    expect(sent).not.toContain("first answer");
    expect(sent).not.toContain("remember the word HERON");
    const id = (await store.get(agent.sessionId))?.runtimeState?.claudeSessionId;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(id).not.toBe(firstClaudeSessionId);
    await agent.close();
  });

  it("continue in a cwd without any conversation starts a new one", async () => {
    const agent = new Agent({ runtime: runtime({ continue: true, cwd: tempDir("continue-empty") }), store });
    harness.answer(() => ({ content: [{ type: "text", text: "nothing to continue" }] }));
    const result = await agent.prompt("hello from an empty directory");
    expect(result.text).toBe("nothing to continue");
    const sent = lastSent();
    expect(sent).toContain("hello from an empty directory");
    expect(sent).not.toContain("first answer");
    expect((await store.get(agent.sessionId))?.runtimeState?.claudeSessionId).toMatch(/^[0-9a-f-]{36}$/);
    await agent.close();
  });

  it("a /clear prompt starts a new CLI session in the same process", async () => {
    const notes: string[] = [];
    const r = runtimeFor(harness.server.baseUrl, {
      cwd: tempDir("clear"),
      configDir,
      onDebug: (note) => notes.push(note),
    });
    runtimes.push(r);
    const agent = new Agent({ runtime: r, store });
    harness.answer(() => ({ content: [{ type: "text", text: "noted OSPREY" }] }));
    await agent.prompt("remember the word OSPREY");
    const before = (await store.get(agent.sessionId))?.runtimeState?.claudeSessionId;
    const pid = r.pidOf(agent.sessionId);
    const calls = harness.modelCalls().length;

    const cleared = await agent.prompt("/clear");
    expect(cleared.text).toBe("");
    expect(harness.modelCalls()).toHaveLength(calls);
    const after = (await store.get(agent.sessionId))?.runtimeState;
    expect(after?.claudeSessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(after?.claudeSessionId).not.toBe(before);

    harness.answer(() => ({ content: [{ type: "text", text: "a clean slate" }] }));
    await agent.prompt("which word did I ask you to remember?");
    expect(lastSent()).not.toContain("OSPREY");
    expect(r.pidOf(agent.sessionId)).toBe(pid);
    expect(notes.filter((n) => n.includes("conversation_reset"))).toEqual([]);
    await agent.close();

    // The stored id is the post-clear conversation's: resuming goes on from there.
    const resumed = await Agent.resume(agent.sessionId, { runtime: r, store });
    harness.answer(() => ({ content: [{ type: "text", text: "after resume" }] }));
    await resumed.prompt("still clean?");
    expect(lastSent()).toContain("a clean slate");
    expect(lastSent()).not.toContain("OSPREY");
    await resumed.close();
  });

  it("rejects a continue option that is not a boolean as a configuration error", () => {
    const options = { ...cliOptions(harness.server.baseUrl), continue: "yes" as unknown as boolean };
    let caught: unknown;
    try {
      claudeCode(options);
    } catch (error) {
      caught = error;
    }
    expect(ArkyError.isArkyError(caught)).toBe(true);
    expect(caught).toMatchObject({ code: "configuration" });
  });

  it("leaves no claude process behind", async () => {
    await Promise.all(runtimes.map((r) => r.close()));
    await expect.poll(() => claudePids(configDir), { timeout: 10_000 }).toEqual([]);
  });
});
