import { describe, expect, it } from "vitest";
import { Agent, type AgentOptions, ArkyError, InMemorySessionStore, native } from "../../src/index.js";
import { textReply } from "../../src/testing/script.js";
import { scriptedProvider } from "../../src/testing/scripted-provider.js";
import { addTool, scriptedAgent } from "./helpers.js";

// Bad input to the Agent gets an ArkyError that says what to do, not a TypeError or silence.

const runtime = () => native(scriptedProvider({ script: [textReply("ok"), textReply("ok")] }));

function refused(run: () => unknown, code = "configuration"): ArkyError {
  try {
    run();
  } catch (error) {
    if (!ArkyError.isArkyError(error)) throw error;
    expect(error.code).toBe(code);
    return error;
  }
  throw new Error("it did not throw");
}

const agentWith = (extra: Record<string, unknown>) => () =>
  new Agent({ runtime: runtime(), ...extra } as AgentOptions);

describe("Agent options", () => {
  it.each([
    ["maxTurns", 3, "set it on the runtime: native(provider, { maxTurns }) or claudeCode({ maxTurns })"],
    ["allowedTools", ["Read"], "use permissions: { allow: [...] }"],
    ["disallowedTools", ["Bash"], "use permissions: { deny: [...] }"],
    ["permissionMode", "acceptEdits", "use permissions: { mode }"],
    [
      "systemPrompt",
      "Be brief.",
      "set it on the runtime: native(provider, { system }) or claudeCode({ systemPrompt })",
    ],
    ["model", "claude-sonnet-4-5", "set it on the runtime: native(anthropic({ model }))"],
  ])("refuses the Claude Agent SDK's %s, naming Arky's option", (key, value, hint) => {
    const error = refused(agentWith({ [key]: value }));
    expect(error.message).toBe(`Agent has no option "${key}".`);
    expect(error.correction).toContain(`${hint[0]?.toUpperCase()}${hint.slice(1)}`);
  });

  it("refuses an unknown option, listing the options there are", () => {
    const error = refused(agentWith({ tool: [addTool] }));
    expect(error.message).toBe('Agent has no option "tool".');
    expect(error.correction).toContain("runtime, tools, store");
  });

  it("refuses unknown permission options and tools given as an object", () => {
    const permissions = refused(agentWith({ permissions: { allowedTools: ["Read"] } }));
    expect(permissions.message).toContain("Arky calls it permissions.allow");
    const tools = refused(agentWith({ tools: { add: addTool } }));
    expect(tools.correction).toContain("tools: [weather, add]");
  });

  it("checks the options of Agent.resume, and lets Agent.fork take its own", async () => {
    const store = new InMemorySessionStore();
    const first = new Agent({ runtime: runtime(), store });
    await first.prompt("hi");
    await expect(
      Agent.resume(first.sessionId, { runtime: runtime(), store, maxTurns: 2 } as never),
    ).rejects.toMatchObject({ code: "configuration", message: expect.stringContaining('"maxTurns"') });
    const fork = await Agent.fork(first.sessionId, {
      runtime: runtime(),
      store,
      atSeq: 2,
      newSessionId: "forked",
    });
    expect(fork.sessionId).toBe("forked");
  });
});

describe("prompt input", () => {
  it("rejects an object that is not a user message, saying what a prompt is", async () => {
    const { agent } = scriptedAgent([textReply("ok")]);
    const error = await agent.prompt({ prompt: "hi" } as never).then(
      () => undefined,
      (e: unknown) => e as ArkyError,
    );
    expect(error).toMatchObject({ code: "invalid-request" });
    expect(error!.message).toContain('The prompt is an object with the key "prompt", not a prompt.');
    expect(error!.message).toContain("Pass the text itself: agent.prompt('hi')");
    expect(error!.message).toContain("A prompt is a string, an array of content blocks");
    expect(error!.message).not.toMatch(/reading/);
  });

  it.each([
    [42, "The prompt is number."],
    [null, "The prompt is null."],
    [["hi"], "Block 0 of the prompt is a string, not a text, image or tool-result block."],
    [[{ type: "text" }], "Block 0 of the prompt is a text block without a string `text`."],
    [{ role: "assistant", content: [] }, "A prompt is a user message"],
    [{ messages: [] }, "The Agent keeps the conversation"],
  ])("stream(%j) throws before any event: %s", (input, message) => {
    const { agent } = scriptedAgent([textReply("ok")]);
    const error = refused(() => agent.stream(input as never), "invalid-request");
    expect(error.message).toContain(message);
  });

  it("still takes a string, content blocks and a user message", async () => {
    const { agent } = scriptedAgent([textReply("a"), textReply("b"), textReply("c")]);
    expect((await agent.prompt("hi")).text).toBe("a");
    expect((await agent.prompt([{ type: "text", text: "hi" }])).text).toBe("b");
    expect((await agent.prompt({ role: "user", content: [{ type: "text", text: "hi" }] })).text).toBe("c");
  });
});
