import { existsSync, mkdirSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Agent, type AgentOptions, native } from "../../src/index.js";
import type { AgentEvent } from "../../src/protocol/index.js";
import { textReply, toolCallReply } from "../../src/testing/script.js";
import { scriptedProvider } from "../../src/testing/scripted-provider.js";
import { codingTools } from "../../src/tools/builtin/index.js";
import { collect } from "./helpers.js";

// One working folder: the Agent's cwd, else the runtime's, else the tools', else
// process.cwd(); the guard, the tools, the runtime and session-start all use it.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "arky-folder-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function agentOver(
  script: Parameters<typeof scriptedProvider>[0]["script"],
  options: Partial<AgentOptions> = {},
) {
  const provider = scriptedProvider({ script });
  const agent = new Agent({ runtime: native(provider), tools: await codingTools({ cwd: dir }), ...options });
  return { agent, provider };
}

const decisionsOf = (events: AgentEvent[]) =>
  events.filter((e) => e.type === "permission-decision").map((e) => `${e.decision}/${e.source}`);

describe("the working folder on the native runtime", () => {
  it("rules resolve against the folder codingTools works in when the Agent names none", async () => {
    const { agent } = await agentOver(
      [toolCallReply("write", { path: "secret/keys.txt", content: "k" }), textReply("ok")],
      { permissions: { mode: "bypass", deny: ["Edit(secret/**)"] } },
    );
    const events = await collect(agent.stream("write the key"));
    expect(decisionsOf(events)).toEqual(["deny/rule"]);
    expect(existsSync(join(dir, "secret/keys.txt"))).toBe(false);
    expect(agent.cwd).toBe(dir);
  });

  it("session-start records the folder the tools used", async () => {
    const { agent } = await agentOver([textReply("hi")], { permissions: { mode: "bypass" } });
    const events = await collect(agent.stream("hello"));
    expect(events.find((e) => e.type === "session-start")).toMatchObject({ cwd: dir });
    expect((await agent.store.get(agent.sessionId))?.cwd).toBe(dir);
  });

  it("acceptEdits allows an edit inside the tools' folder and asks outside it", async () => {
    const outside = await mkdtemp(join(tmpdir(), "arky-outside-"));
    try {
      const { agent } = await agentOver(
        [
          toolCallReply("write", { path: join(dir, "notes.txt"), content: "in" }),
          toolCallReply("write", { path: join(outside, "notes.txt"), content: "out" }),
          textReply("ok"),
        ],
        { permissions: { mode: "acceptEdits" } },
      );
      const events = await collect(agent.stream("edit"));
      expect(decisionsOf(events)).toEqual(["allow/mode", "deny/default"]);
      expect(await readFile(join(dir, "notes.txt"), "utf8")).toBe("in");
      expect(existsSync(join(outside, "notes.txt"))).toBe(false);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it("an Agent cwd that is not the tools' folder is a configuration error naming both", async () => {
    const other = join(dir, "elsewhere");
    mkdirSync(other);
    const attempt = agentOver([textReply("hi")], { cwd: other });
    await expect(attempt).rejects.toMatchObject({ code: "configuration" });
    await expect(attempt).rejects.toThrow(other);
    await expect(attempt).rejects.toThrow(dir);
  });

  it("a runtime whose cwd is not the tools' folder is a configuration error naming both", async () => {
    const runtime = Object.assign(native(scriptedProvider({ script: [textReply("hi")] })), {
      cwd: "/somewhere/else",
    });
    const tools = await codingTools({ cwd: dir });
    expect(() => new Agent({ runtime, tools })).toThrow(/\/somewhere\/else.*arky-folder-/);
  });

  it("permissions.cwd that is not the working folder is refused", async () => {
    const attempt = agentOver([textReply("hi")], { permissions: { cwd: "/tmp/other" } });
    await expect(attempt).rejects.toMatchObject({ code: "configuration" });
  });
});

describe("safe by default on the native runtime", () => {
  it("without permissions a read-only tool runs and bash is refused with a correction naming the options", async () => {
    const { agent, provider } = await agentOver([
      toolCallReply("read", { path: "a.txt" }),
      toolCallReply("bash", { command: "touch PWNED" }),
      textReply("ok"),
    ]);
    const events = await collect(agent.stream("go"));
    expect(decisionsOf(events)).toEqual(["allow/mode", "deny/default"]);
    expect(existsSync(join(dir, "PWNED"))).toBe(false);
    const refusal = JSON.stringify(provider.requests[2]!.messages.at(-1));
    expect(refusal).toContain('permissions: { allow: [\\"Bash(touch PWNED:*)\\"] }');
    expect(refusal).toMatch(/mode: \\"acceptEdits\\".*\\"bypass\\".*canUseTool/);
  });

  it("with hooks only, the mode is still default", async () => {
    const { agent } = await agentOver([toolCallReply("bash", { command: "touch hooked" }), textReply("ok")], {
      hooks: [{ afterToolCall: () => undefined }],
    });
    const events = await collect(agent.stream("go"));
    expect(decisionsOf(events)).toEqual(["deny/default"]);
    expect(existsSync(join(dir, "hooked"))).toBe(false);
  });
});
