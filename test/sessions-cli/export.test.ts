import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { Agent, native, tool } from "../../src/index.js";
import { ArkyError, EVENT_SCHEMA_VERSION } from "../../src/protocol/index.js";
import { anthropic } from "../../src/providers/anthropic/index.js";
import { exportSessionJsonl, exportSessionMarkdown } from "../../src/session/index.js";
import { SqliteSessionStore } from "../../src/stores/sqlite/index.js";
import { type ScriptedModelServer, startScriptedModelServer, textReply } from "../../src/testing/index.js";
import { tempDir } from "./helpers.js";

let server: ScriptedModelServer | undefined;
let store: SqliteSessionStore | undefined;
let dir: ReturnType<typeof tempDir> | undefined;
afterEach(async () => {
  await server?.close();
  await store?.close();
  dir?.remove();
  server = store = dir = undefined;
});

const echo = tool({
  name: "echo",
  description: "Echoes its text, repeated.",
  input: z.object({ text: z.string(), times: z.number().int() }),
  execute: async ({ text, times }) => text.repeat(times),
});

/** A stored session with thinking, a long tool result, a failing tool call and text. */
async function recordSession() {
  dir = tempDir("arky-export-");
  store = new SqliteSessionStore({ path: join(dir.path, "sessions.db") });
  server = await startScriptedModelServer({
    script: [
      {
        content: [
          { type: "thinking", thinking: "I should echo it.", signature: "sig" },
          { type: "text", text: "Echoing now." },
          { type: "tool-use", name: "echo", input: { text: "ab", times: 1500 } },
          { type: "tool-use", name: "echo", input: { text: "x" } },
        ],
        usage: { inputTokens: 100, outputTokens: 20 },
      },
      textReply("Done: the echo worked.", { usage: { inputTokens: 150, outputTokens: 10 } }),
    ],
  });
  const agent = new Agent({
    runtime: native(anthropic({ model: "claude-sonnet-5-5", apiKey: "k", baseURL: server.baseUrl })),
    tools: [echo],
    store,
    cwd: dir.path,
    permissions: { mode: "bypass" },
  });
  await agent.prompt("Please echo ab");
  await agent.close();
  return agent.sessionId;
}

describe("exportSessionJsonl", () => {
  it("writes every stored event, deltas included, one per line with its schema version", async () => {
    const id = await recordSession();
    const text = await exportSessionJsonl(store!, id);
    expect(text.endsWith("\n")).toBe(true);
    const lines = text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    const stored = [];
    for await (const e of store!.read(id)) stored.push(e);
    expect(lines.length).toBe(stored.length);
    expect(lines.map((l) => l.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(lines.every((l) => l.schemaVersion === EVENT_SCHEMA_VERSION)).toBe(true);
    expect(lines.map(({ schemaVersion, ...event }) => event)).toEqual(JSON.parse(JSON.stringify(stored)));
    expect(lines.some((l) => l.type === "message-delta")).toBe(true);
  });

  it("throws session-not-found for an unknown session", async () => {
    dir = tempDir("arky-export-");
    store = new SqliteSessionStore({ path: join(dir.path, "sessions.db") });
    const error = await exportSessionJsonl(store, "nope").catch((e: unknown) => e);
    expect(ArkyError.isArkyError(error) && error.code).toBe("session-not-found");
    const md = await exportSessionMarkdown(store, "nope").catch((e: unknown) => e);
    expect(ArkyError.isArkyError(md) && md.code).toBe("session-not-found");
  });
});

describe("exportSessionMarkdown", () => {
  it("renders the header, prompt, thinking, tool calls with capped results, errors and usage", async () => {
    const id = await recordSession();
    const md = await exportSessionMarkdown(store!, id, { maxToolChars: 500 });
    expect(md).toMatch(/^# Please echo ab\n/);
    expect(md).toContain(`- **Session:** \`${id}\``);
    expect(md).toContain("- **Runtime:** native");
    expect(md).toContain("- **Model:** claude-sonnet-5-5");
    expect(md).toMatch(/- \*\*Created:\*\* \d{4}-\d\d-\d\dT/);
    expect(md).toMatch(/- \*\*Totals:\*\* 250 in · 30 out · \$\d+\.\d{4}/);
    expect(md).toContain("## Turn 1\n\n**User:**\n\n> Please echo ab");
    expect(md).toContain("> _Thinking:_ I should echo it.");
    expect(md).toContain("**Assistant:**\n\nEchoing now.");
    // Durations are whole milliseconds (they are measured with sub-millisecond fractions).
    expect(md).toMatch(/\*\*Tool `echo`\*\* \(ok, \d+ ms\)/);
    expect(md).not.toMatch(/\d\.\d+ ms/);
    expect(md).toContain('"times": 1500');
    expect(md).toContain(`${"ab".repeat(250)}\n… (2500 more characters)`);
    expect(md).not.toContain("ab".repeat(251));
    // The call without `times` failed validation; its error result is shown.
    expect(md).toMatch(/\*\*Tool `echo`\*\* \(failed,/);
    expect(md).toContain("Done: the echo worked.");
    expect(md).toMatch(/_250 in · 30 out · \$\d+\.\d{4} · 2 model call\(s\) · stop: end-turn_/);
  });

  it("shows a failed turn's error", async () => {
    dir = tempDir("arky-export-");
    store = new SqliteSessionStore({ path: join(dir.path, "sessions.db") });
    server = await startScriptedModelServer({
      script: [{ kind: "http-error", status: 400, message: "bad thing" }],
    });
    const agent = new Agent({
      runtime: native(anthropic({ model: "claude-sonnet-5-5", apiKey: "k", baseURL: server.baseUrl })),
      store,
    });
    await agent.prompt("fail please").catch(() => undefined);
    const md = await exportSessionMarkdown(store, agent.sessionId);
    expect(md).toMatch(/> \*\*Error\*\* `invalid-request`: .*bad thing/);
    expect(md).toMatch(/stop: error_/);
  });
});
