import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Agent, native } from "../../src/index.js";
import { textReply, toolCallReply } from "../../src/testing/script.js";
import { scriptedProvider } from "../../src/testing/scripted-provider.js";
import { codingTools } from "../../src/tools/builtin/index.js";
import { collect } from "./helpers.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "arky-guard-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const exists = (path: string) =>
  readFile(path, "utf8").then(
    (t) => t,
    () => undefined,
  );

async function agentWith(
  script: Parameters<typeof scriptedProvider>[0]["script"],
  options: Partial<ConstructorParameters<typeof Agent>[0]>,
) {
  const provider = scriptedProvider({ script });
  const agent = new Agent({
    runtime: native(provider),
    tools: await codingTools({ cwd: dir }),
    cwd: dir,
    ...options,
  });
  return { agent, provider };
}

describe("permissions on the native runtime", () => {
  it("a deny rule stops a write: the file never appears and the model is told why", async () => {
    const { agent, provider } = await agentWith(
      [toolCallReply("write", { path: "out.txt", content: "x" }), textReply("ok")],
      { permissions: { mode: "bypass", deny: ["Write(*.txt)"] } },
    );
    const events = await collect(agent.stream("write it"));
    expect(await exists(join(dir, "out.txt"))).toBeUndefined();
    const decision = events.find((e) => e.type === "permission-decision");
    expect(decision).toMatchObject({ decision: "deny", source: "rule" });
    expect(JSON.stringify(provider.requests[1]!.messages.at(-1))).toMatch(/deny rule/);
  });

  it("canUseTool can allow with edited input, and the edited input is what runs", async () => {
    const { agent } = await agentWith(
      [toolCallReply("write", { path: "a.txt", content: "original" }), textReply("ok")],
      {
        permissions: {
          mode: "default",
          canUseTool: async (_tool, input) => ({
            behavior: "allow",
            updatedInput: { ...(input as object), content: "edited" },
          }),
        },
      },
    );
    await agent.prompt("write");
    expect(await exists(join(dir, "a.txt"))).toBe("edited");
  });

  it("default mode without a callback denies mutating tools but allows read-only ones", async () => {
    const { agent } = await agentWith(
      [
        toolCallReply("write", { path: "b.txt", content: "x" }),
        toolCallReply("glob", { pattern: "*" }),
        textReply("ok"),
      ],
      { permissions: { mode: "default" } },
    );
    const events = await collect(agent.stream("go"));
    const decisions = events
      .filter((e) => e.type === "permission-decision")
      .map((e) => e.type === "permission-decision" && [e.toolName, e.decision]);
    expect(decisions).toEqual([
      ["write", "deny"],
      ["glob", "allow"],
    ]);
    expect(await exists(join(dir, "b.txt"))).toBeUndefined();
  });

  it("setPermissionMode switches the mode mid-session", async () => {
    const { agent } = await agentWith(
      [
        toolCallReply("write", { path: "c.txt", content: "1" }),
        textReply("no"),
        toolCallReply("write", { path: "c.txt", content: "2" }),
        textReply("yes"),
      ],
      { permissions: { mode: "plan" } },
    );
    await agent.prompt("try");
    expect(await exists(join(dir, "c.txt"))).toBeUndefined();
    await agent.setPermissionMode("acceptEdits");
    await agent.prompt("again");
    expect(await exists(join(dir, "c.txt"))).toBe("2");
  });
});

describe("hooks on the native runtime", () => {
  it("a fail-closed hook that throws blocks the call; a fail-open one does not", async () => {
    for (const failureMode of ["fail-closed", "fail-open"] as const) {
      const { agent } = await agentWith(
        [toolCallReply("write", { path: `${failureMode}.txt`, content: "x" }), textReply("ok")],
        {
          permissions: { mode: "bypass" },
          hooks: [
            {
              name: "broken",
              failureMode,
              beforeToolCall: () => {
                throw new Error("hook crashed");
              },
            },
          ],
        },
      );
      const events = await collect(agent.stream("go"));
      const hook = events.find((e) => e.type === "hook-decision");
      expect(hook).toMatchObject({ hook: "broken", decision: "error" });
      const written = await exists(join(dir, `${failureMode}.txt`));
      expect(written === undefined).toBe(failureMode === "fail-closed");
    }
  });

  it("a beforeToolCall hook can replace the input", async () => {
    const { agent } = await agentWith(
      [toolCallReply("write", { path: "d.txt", content: "raw" }), textReply("ok")],
      {
        permissions: { mode: "bypass" },
        hooks: [
          { beforeToolCall: ({ input }) => ({ updatedInput: { ...(input as object), content: "hooked" } }) },
        ],
      },
    );
    await agent.prompt("go");
    expect(await exists(join(dir, "d.txt"))).toBe("hooked");
  });

  it("userPromptSubmit can rewrite the prompt or block it", async () => {
    const { agent, provider } = await agentWith([textReply("ok")], {
      hooks: [
        {
          userPromptSubmit: ({ prompt }) =>
            JSON.stringify(prompt).includes("secret")
              ? { decision: "block", reason: "no secrets" }
              : { prompt: "rewritten" },
        },
      ],
    });
    await agent.prompt("hello");
    expect(JSON.stringify(provider.requests[0]!.messages[0])).toContain("rewritten");
    const error = await agent.prompt("the secret is 42").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "hook" });
    expect(provider.requests).toHaveLength(1);
  });

  it("an onStop hook that blocks continues the turn with its reason, and the loop guard ends it", async () => {
    const { agent, provider } = await agentWith([textReply("done?"), textReply("now done")], {
      hooks: [
        {
          onStop: ({ stopHookActive }) =>
            stopHookActive ? undefined : { decision: "block", reason: "run the tests first" },
        },
      ],
    });
    const events = await collect(agent.stream("work"));
    expect(events.filter((e) => e.type === "turn-start")).toHaveLength(1);
    expect(events.filter((e) => e.type === "turn-end")).toMatchObject([{ modelCalls: 2 }]);
    expect(JSON.stringify(provider.requests[1]!.messages.at(-1))).toContain("run the tests first");
  });

  it("session hooks run on start (adding context to the first prompt) and on close", async () => {
    const seen: string[] = [];
    const { agent, provider } = await agentWith([textReply("ok")], {
      hooks: [
        {
          sessionStart: ({ source }) => {
            seen.push(`start:${source}`);
            return { additionalContext: "Project uses tabs." };
          },
          sessionEnd: ({ reason }) => {
            seen.push(`end:${reason}`);
          },
        },
      ],
    });
    await agent.prompt("hi");
    await agent.close();
    expect(seen).toEqual(["start:startup", "end:closed"]);
    expect(JSON.stringify(provider.requests[0]!.messages[0])).toContain("Project uses tabs.");
  });
});
