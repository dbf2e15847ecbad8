import { describe, expect, it, vi } from "vitest";
import { HookChain, type Hooks } from "../../src/hooks/index.js";
import type { ToolResultBlock } from "../../src/protocol/index.js";

const signal = new AbortController().signal;
const call = (toolName = "bash", input: unknown = { command: "ls" }) => ({
  sessionId: "s1",
  toolCallId: "t1",
  toolName,
  input,
  readOnly: false,
  permissionMode: "default",
  signal,
});
const result = (text: string): ToolResultBlock => ({
  type: "tool-result",
  toolUseId: "t1",
  content: [{ type: "text", text }],
});
const never = () => new Promise<never>(() => {});

describe("HookChain.beforeToolCall", () => {
  it("first block wins and later hooks do not run", async () => {
    const later = vi.fn();
    const chain = new HookChain([
      { name: "a", beforeToolCall: () => undefined },
      { name: "b", beforeToolCall: () => ({ decision: "block", reason: "no rm" }) },
      { name: "c", beforeToolCall: later },
    ]);
    const out = await chain.beforeToolCall(call());
    expect(out.decision).toBe("block");
    expect(out.reason).toBe("no rm");
    expect(later).not.toHaveBeenCalled();
    expect(out.events).toEqual([
      {
        type: "hook-decision",
        hook: "a",
        hookEvent: "beforeToolCall",
        decision: "continue",
        toolCallId: "t1",
      },
      {
        type: "hook-decision",
        hook: "b",
        hookEvent: "beforeToolCall",
        decision: "block",
        reason: "no rm",
        toolCallId: "t1",
      },
    ]);
  });

  it("applies input replacements in order, each hook seeing the previous one's", async () => {
    const seen: unknown[] = [];
    const chain = new HookChain([
      {
        beforeToolCall: (c) => {
          seen.push(c.input);
          return { updatedInput: { n: 2 } };
        },
      },
      {
        beforeToolCall: (c) => {
          seen.push(c.input);
          return { updatedInput: { n: 3 } };
        },
      },
      { beforeToolCall: (c) => void seen.push(c.input) },
    ]);
    const out = await chain.beforeToolCall(call("bash", { n: 1 }));
    expect(seen).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(out).toMatchObject({ decision: "continue", input: { n: 3 }, inputChanged: true });
    expect(out.events.map((e) => [e.hook, e.decision])).toEqual([
      ["hook#0", "modify"],
      ["hook#1", "modify"],
      ["hook#2", "continue"],
    ]);
  });

  it("ask beats allow", async () => {
    const chain = new HookChain([
      { beforeToolCall: () => ({ decision: "allow" }) },
      { beforeToolCall: () => ({ decision: "ask", reason: "check with the user" }) },
      { beforeToolCall: () => ({ decision: "allow" }) },
    ]);
    const out = await chain.beforeToolCall(call());
    expect(out.decision).toBe("ask");
    expect(out.reason).toBe("check with the user");
    expect(out.events[1]?.reason).toBe("ask: check with the user");
  });

  it("runs tool hooks only for tools their matcher matches, in either runtime's spelling", async () => {
    const bash = vi.fn();
    const edit = vi.fn();
    const mcp = vi.fn();
    const chain = new HookChain([
      { matcher: "Bash|Write", beforeToolCall: bash },
      { matcher: "Edit", beforeToolCall: edit },
      { matcher: "mcp/files/.*", beforeToolCall: mcp },
    ]);
    await chain.beforeToolCall(call("bash"));
    await chain.beforeToolCall(call("read"));
    await chain.beforeToolCall(call("mcp__files__read"));
    await chain.beforeToolCall(call("mcp/other/read"));
    await chain.beforeToolCall(call("exec_command"));
    await chain.beforeToolCall(call("apply_patch"));
    expect(bash).toHaveBeenCalledTimes(2);
    expect(mcp).toHaveBeenCalledTimes(1);
    expect(edit).toHaveBeenCalledTimes(1);
  });

  it("rejects an invalid matcher with a configuration error", () => {
    expect(() => new HookChain([{ name: "bad", matcher: "Bash(" }])).toThrow(/matcher of hook "bad"/);
  });

  it("fail-open: a throwing hook is recorded as an error and ignored", async () => {
    const chain = new HookChain([
      {
        name: "thrower",
        beforeToolCall: () => {
          throw new Error("boom");
        },
      },
      { name: "next", beforeToolCall: () => ({ updatedInput: { command: "pwd" } }) },
    ]);
    const out = await chain.beforeToolCall(call());
    expect(out.decision).toBe("continue");
    expect(out.input).toEqual({ command: "pwd" });
    expect(out.events[0]).toMatchObject({ hook: "thrower", decision: "error" });
    expect(out.events[0]?.reason).toMatch(/boom.*fail-open: ignored/);
  });

  it("fail-closed: a throwing hook blocks", async () => {
    const chain = new HookChain([
      {
        name: "strict",
        failureMode: "fail-closed",
        beforeToolCall: () => {
          throw new Error("boom");
        },
      },
    ]);
    const out = await chain.beforeToolCall(call());
    expect(out.decision).toBe("block");
    expect(out.reason).toMatch(/strict.*boom.*fail-closed: blocking/);
    expect(out.events).toHaveLength(1);
    expect(out.events[0]?.decision).toBe("error");
  });

  it("times out a hanging hook, aborts its signal, and applies the failure mode", async () => {
    let hookSignal: AbortSignal | undefined;
    const hanging = (failureMode: "fail-open" | "fail-closed"): Hooks => ({
      name: failureMode,
      timeoutMs: 30,
      failureMode,
      beforeToolCall: (c) => {
        hookSignal = c.signal;
        return never();
      },
    });
    const open = await new HookChain([hanging("fail-open")]).beforeToolCall(call());
    expect(open.decision).toBe("continue");
    expect(open.events[0]?.reason).toMatch(/^beforeToolCall timeout: .*30 ms/);
    expect(hookSignal?.aborted).toBe(true);

    const closed = await new HookChain([hanging("fail-closed")]).beforeToolCall(call());
    expect(closed.decision).toBe("block");
    expect(closed.events[0]?.decision).toBe("error");
  });

  it("a cancelled run ends a waiting hook with a cancelled error", async () => {
    const controller = new AbortController();
    const chain = new HookChain([{ beforeToolCall: never }]);
    const pending = chain.beforeToolCall({ ...call(), signal: controller.signal });
    controller.abort();
    const out = await pending;
    expect(out.events[0]?.decision).toBe("error");
    expect(out.events[0]?.reason).toMatch(/cancelled/);
  });

  it("ignores non-object return values from JavaScript hooks", async () => {
    const chain = new HookChain([{ beforeToolCall: () => "block" as never }]);
    expect((await chain.beforeToolCall(call())).decision).toBe("continue");
  });
});

describe("HookChain.afterToolCall", () => {
  it("replaces results in order and appends concatenated contexts", async () => {
    const chain = new HookChain([
      {
        afterToolCall: (c) => ({
          result: `${(c.result.content[0] as { text: string }).text}+a`,
          additionalContext: "note 1",
        }),
      },
      { afterToolCall: (c) => ({ result: { ...c.result, toolUseId: "ignored", isError: true } }) },
      { afterToolCall: () => ({ additionalContext: "note 2" }) },
    ]);
    const out = await chain.afterToolCall({ ...call(), result: result("out") });
    expect(out.result).toEqual({
      type: "tool-result",
      toolUseId: "t1",
      isError: true,
      content: [
        { type: "text", text: "out+a" },
        { type: "text", text: "note 1\nnote 2" },
      ],
    });
    expect(out.events.map((e) => e.decision)).toEqual(["modify", "modify", "modify"]);
  });

  it("ignores a malformed replacement result from a JavaScript hook", async () => {
    const chain = new HookChain([{ afterToolCall: () => ({ result: { type: "tool-result" } as never }) }]);
    const out = await chain.afterToolCall({ ...call(), result: result("kept") });
    expect(out.result).toEqual(result("kept"));
    expect(out.events[0]?.decision).toBe("continue");
  });

  it("fail-closed: a failing hook withholds the result", async () => {
    const chain = new HookChain([
      { failureMode: "fail-closed", afterToolCall: () => Promise.reject(new Error("scan failed")) },
    ]);
    const out = await chain.afterToolCall({ ...call(), result: result("secret") });
    expect(out.result.isError).toBe(true);
    expect(JSON.stringify(out.result)).not.toContain("secret");
    expect(JSON.stringify(out.result)).toContain("scan failed");
  });
});

describe("HookChain.userPromptSubmit", () => {
  const prompt = { role: "user" as const, content: [{ type: "text" as const, text: "hello" }] };

  it("rewrites in order and appends contexts", async () => {
    const chain = new HookChain([
      { userPromptSubmit: () => ({ prompt: "rewritten", additionalContext: "ctx A" }) },
      {
        userPromptSubmit: (c) => ({
          prompt: { ...c.prompt, content: [...c.prompt.content, { type: "text", text: "!" }] },
        }),
      },
      { userPromptSubmit: () => ({ additionalContext: "ctx B" }) },
    ]);
    const out = await chain.userPromptSubmit({ sessionId: "s1", prompt, signal });
    expect(out.decision).toBe("continue");
    if (out.decision !== "continue") return;
    expect(out.prompt.content).toEqual([
      { type: "text", text: "rewritten" },
      { type: "text", text: "!" },
      { type: "text", text: "ctx A\nctx B" },
    ]);
    expect(out.additionalContext).toBe("ctx A\nctx B");
  });

  it("blocks, and a fail-closed failure blocks too", async () => {
    const blocked = await new HookChain([
      { userPromptSubmit: () => ({ decision: "block", reason: "no secrets" }) },
    ]).userPromptSubmit({ sessionId: "s1", prompt, signal });
    expect(blocked).toMatchObject({ decision: "block", reason: "no secrets" });
    const failed = await new HookChain([
      {
        failureMode: "fail-closed",
        userPromptSubmit: () => {
          throw new Error("x");
        },
      },
    ]).userPromptSubmit({ sessionId: "s1", prompt, signal });
    expect(failed.decision).toBe("block");
    const open = await new HookChain([
      {
        userPromptSubmit: () => {
          throw new Error("x");
        },
      },
    ]).userPromptSubmit({ sessionId: "s1", prompt, signal });
    expect(open).toMatchObject({ decision: "continue", prompt });
  });
});

describe("HookChain session hooks", () => {
  it("concatenates sessionStart contexts and records failures without blocking", async () => {
    const chain = new HookChain([
      { sessionStart: (c) => ({ additionalContext: `started ${c.source}` }) },
      {
        failureMode: "fail-closed",
        sessionStart: () => {
          throw new Error("x");
        },
      },
      { sessionStart: () => ({ additionalContext: "more" }) },
    ]);
    const out = await chain.sessionStart({ sessionId: "s1", source: "resume", signal });
    expect(out.additionalContext).toBe("started resume\nmore");
    expect(out.events.map((e) => e.decision)).toEqual(["modify", "error", "modify"]);
  });

  it("runs every sessionEnd hook", async () => {
    const ends: string[] = [];
    const chain = new HookChain([
      { sessionEnd: (c) => void ends.push(c.reason) },
      {
        sessionEnd: () => {
          throw new Error("x");
        },
      },
    ]);
    const out = await chain.sessionEnd({ sessionId: "s1", reason: "closed", signal });
    expect(ends).toEqual(["closed"]);
    expect(out.events.map((e) => e.decision)).toEqual(["continue", "error"]);
  });
});

describe("HookChain.onStop", () => {
  it("lets a hook block the stop, flags stopHookActive, and caps consecutive blocks", async () => {
    const active: boolean[] = [];
    const chain = new HookChain(
      [
        {
          name: "keep-going",
          onStop: (c) => {
            active.push(c.stopHookActive);
            return { decision: "block", reason: "tests fail" };
          },
        },
      ],
      { maxConsecutiveStopBlocks: 2 },
    );
    const stop = () => chain.onStop({ sessionId: "s1", signal });
    expect(await stop()).toMatchObject({ decision: "continue", reason: "tests fail" });
    expect(await stop()).toMatchObject({ decision: "continue" });
    const third = await stop();
    expect(third.decision).toBe("stop");
    expect(third.events[0]).toMatchObject({ decision: "continue" });
    expect(third.events[0]?.reason).toMatch(/maxConsecutiveStopBlocks/);
    expect((await stop()).decision).toBe("continue");
    expect(active).toEqual([false, true, true, false]);
  });

  it("counts blocks per session and resets when a stop goes through", async () => {
    const seen: string[] = [];
    let blockA = true;
    const chain = new HookChain([
      {
        onStop: (c) => {
          seen.push(`${c.sessionId}:${c.stopHookActive}`);
          return c.sessionId === "a" && blockA ? { decision: "block", reason: "again" } : undefined;
        },
      },
    ]);
    expect((await chain.onStop({ sessionId: "a", signal })).decision).toBe("continue");
    expect((await chain.onStop({ sessionId: "b", signal })).decision).toBe("stop");
    blockA = false;
    expect((await chain.onStop({ sessionId: "a", signal })).decision).toBe("stop");
    blockA = true;
    expect((await chain.onStop({ sessionId: "a", signal })).decision).toBe("continue");
    expect(seen).toEqual(["a:false", "b:false", "a:true", "a:false"]);
  });
});
