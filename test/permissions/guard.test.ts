import { describe, expect, it, vi } from "vitest";
import type { Hooks } from "../../src/hooks/index.js";
import {
  type CanUseTool,
  type CreateToolCallGuardOptions,
  createToolCallGuard,
  type GuardedToolCall,
} from "../../src/permissions/index.js";
import { ArkyError, type ToolResultBlock } from "../../src/protocol/index.js";

const cwd = "/proj";
const signal = new AbortController().signal;
const bash = (command: string, toolName = "bash"): GuardedToolCall => ({
  toolCallId: "t1",
  toolName,
  input: { command },
  readOnly: false,
});
const write = (file_path: string): GuardedToolCall => ({
  toolCallId: "t2",
  toolName: "write",
  input: { file_path },
  readOnly: false,
});
const read = (file_path: string, toolName = "read"): GuardedToolCall => ({
  toolCallId: "t3",
  toolName,
  input: { file_path },
  readOnly: toolName === "read",
});
const guard = (permissions: CreateToolCallGuardOptions["permissions"] = {}, hooks: Hooks[] = []) =>
  createToolCallGuard({ permissions: { cwd, ...permissions }, hooks });
const permissionEvent = (events: unknown[]) => {
  const found = events.filter((e) => (e as { type: string }).type === "permission-decision");
  expect(found).toHaveLength(1);
  return found[0] as { decision: string; source: string; reason: string; updatedInput?: unknown };
};

describe("modes", () => {
  it("default: read-only tools run, others need asking; with no callback they are denied with a how-to", async () => {
    const g = guard();
    const r = await g.beforeToolCall(read("src/a.ts"), signal);
    expect(r.decision).toBe("allow");
    expect(permissionEvent(r.events)).toMatchObject({ decision: "allow", source: "mode" });

    const w = await g.beforeToolCall(bash("git push origin main"), signal);
    expect(w.decision).toBe("deny");
    if (w.decision !== "deny") return;
    expect(w.reason).toContain('set permissions: { allow: ["Bash(git push:*)"] }');
    expect(w.reason).toContain("canUseTool");
    expect(permissionEvent(w.events)).toMatchObject({ decision: "deny", source: "default" });
  });

  it("default: the callback decides what needs asking", async () => {
    const canUseTool = vi.fn<CanUseTool>(() => ({ behavior: "allow" }));
    const r = await guard({ canUseTool }).beforeToolCall(bash("touch x", "Bash"), signal);
    expect(r).toMatchObject({ decision: "allow", input: { command: "touch x" } });
    expect(permissionEvent(r.events)).toMatchObject({ decision: "allow", source: "callback" });
    const [toolName, input, context] = canUseTool.mock.calls[0]!;
    expect(toolName).toBe("bash");
    expect(input).toEqual({ command: "touch x" });
    expect(context).toMatchObject({
      runtimeToolName: "Bash",
      mode: "default",
      suggestedRule: "Bash(touch x:*)",
    });
  });

  it("acceptEdits: file edits inside the working directory run; outside, and commands, still ask", async () => {
    const g = guard({ mode: "acceptEdits" });
    const inside = await g.beforeToolCall(write("docs/a.md"), signal);
    expect(inside.decision).toBe("allow");
    expect(permissionEvent(inside.events).source).toBe("mode");
    expect((await g.beforeToolCall(write("/etc/passwd"), signal)).decision).toBe("deny");
    expect((await g.beforeToolCall(write("../elsewhere.md"), signal)).decision).toBe("deny");
    expect((await g.beforeToolCall(bash("rm x"), signal)).decision).toBe("deny");
  });

  it("plan: only read-only tools, even over an allow rule, and hooks are not consulted", async () => {
    const hook = vi.fn();
    const g = guard({ mode: "plan", allow: ["Write", "Bash"] }, [{ beforeToolCall: hook }]);
    const w = await g.beforeToolCall(write("a.md"), signal);
    expect(w.decision).toBe("deny");
    expect(permissionEvent(w.events)).toMatchObject({ source: "mode" });
    expect(permissionEvent(w.events).reason).toMatch(/plan mode/);
    expect(hook).not.toHaveBeenCalled();
    // Claude Code's Read is read-only even when the CLI runtime cannot say so.
    expect((await g.beforeToolCall(read("a.md", "Read"), signal)).decision).toBe("allow");
  });

  it("bypass: everything runs except what a deny or ask rule stops", async () => {
    const g = guard({ mode: "bypass", deny: ["Bash(rm:*)"], ask: ["Bash(git push:*)"] });
    expect((await g.beforeToolCall(bash("curl x | sh"), signal)).decision).toBe("allow");
    const denied = await g.beforeToolCall(bash("rm -rf /"), signal);
    expect(permissionEvent(denied.events)).toMatchObject({ decision: "deny", source: "rule" });
    const asked = await g.beforeToolCall(bash("git push"), signal);
    expect(permissionEvent(asked.events)).toMatchObject({ decision: "deny", source: "default" });
  });

  it("setMode changes later decisions; unknown modes are configuration errors", async () => {
    const g = guard();
    expect((await g.beforeToolCall(write("a.md"), signal)).decision).toBe("deny");
    g.setMode("acceptEdits");
    expect(g.mode).toBe("acceptEdits");
    expect((await g.beforeToolCall(write("a.md"), signal)).decision).toBe("allow");
    expect(() => g.setMode("yolo" as never)).toThrow(/Unknown permission mode "yolo"/);
    expect(() => guard({ mode: "auto" as never })).toThrow(ArkyError);
    g.setMode("bypassPermissions" as never);
    expect(g.mode).toBe("bypass");
  });

  it("a malformed rule in the options fails creation with a configuration error", () => {
    let error: unknown;
    try {
      guard({ deny: ["Bash("] });
    } catch (e) {
      error = e;
    }
    expect(ArkyError.isArkyError(error) && error.code).toBe("configuration");
    expect((error as Error).message).toContain('"Bash("');
  });
});

describe("order: rules → mode → hooks → callback", () => {
  it("a deny rule decides before hooks and the callback run", async () => {
    const hook = vi.fn();
    const canUseTool = vi.fn();
    const g = guard({ deny: ["Bash(rm:*)"], allow: ["Bash"], canUseTool }, [{ beforeToolCall: hook }]);
    const r = await g.beforeToolCall(bash("rm -rf build"), signal);
    expect(r).toMatchObject({ decision: "deny" });
    expect(r.events).toEqual([
      {
        type: "permission-decision",
        toolCallId: "t1",
        toolName: "bash",
        decision: "deny",
        source: "rule",
        reason: 'it matches deny rule "Bash(rm:*)"',
      },
    ]);
    expect(hook).not.toHaveBeenCalled();
    expect(canUseTool).not.toHaveBeenCalled();
  });

  it("hooks still run after an allow rule and can block", async () => {
    const g = guard({ allow: ["Bash"] }, [
      { name: "guard-rail", beforeToolCall: () => ({ decision: "block", reason: "not today" }) },
    ]);
    const r = await g.beforeToolCall(bash("ls"), signal);
    expect(r.decision).toBe("deny");
    if (r.decision === "deny") expect(r.reason).toContain("not today");
    expect(r.events.map((e) => e.type)).toEqual(["hook-decision", "permission-decision"]);
    expect(permissionEvent(r.events)).toMatchObject({ source: "hook", reason: "not today" });
  });

  it("a hook's allow skips the callback; a hook's ask forces it", async () => {
    const canUseTool = vi.fn<CanUseTool>(() => ({ behavior: "deny", message: "user said no" }));
    const allowing = guard({ canUseTool }, [
      { beforeToolCall: () => ({ decision: "allow", reason: "trusted" }) },
    ]);
    const a = await allowing.beforeToolCall(bash("make"), signal);
    expect(permissionEvent(a.events)).toMatchObject({ decision: "allow", source: "hook", reason: "trusted" });
    expect(canUseTool).not.toHaveBeenCalled();

    const asking = guard({ canUseTool }, [
      { beforeToolCall: () => ({ decision: "ask", reason: "double-check" }) },
    ]);
    const b = await asking.beforeToolCall(read("a.md"), signal);
    expect(b.decision).toBe("deny");
    if (b.decision === "deny") expect(b.reason).toContain("user said no");
    expect(canUseTool.mock.calls[0]?.[2].reason).toBe("double-check");
    expect(permissionEvent(b.events)).toMatchObject({ source: "callback" });
  });

  it("input replaced by a hook is checked against the rules again", async () => {
    const g = guard({ allow: ["Bash(git status:*)"], deny: ["Bash(rm:*)"] }, [
      { beforeToolCall: () => ({ updatedInput: { command: "rm -rf /" } }) },
    ]);
    const r = await g.beforeToolCall(bash("git status"), signal);
    expect(r.decision).toBe("deny");
    expect(permissionEvent(r.events)).toMatchObject({
      source: "rule",
      updatedInput: { command: "rm -rf /" },
    });
    expect(permissionEvent(r.events).reason).toMatch(/input replaced by a hook/);
  });

  it("an input edited by a hook reaches the callback, and the callback's edit is what runs", async () => {
    const canUseTool = vi.fn<CanUseTool>((_name, input) => ({
      behavior: "allow",
      updatedInput: { ...(input as object), timeout: 5 },
    }));
    const g = guard({ canUseTool }, [{ beforeToolCall: () => ({ updatedInput: { command: "npm test" } }) }]);
    const r = await g.beforeToolCall(bash("npm test --watch"), signal);
    expect(canUseTool.mock.calls[0]?.[1]).toEqual({ command: "npm test" });
    expect(r).toMatchObject({ decision: "allow", input: { command: "npm test", timeout: 5 } });
    expect(permissionEvent(r.events).updatedInput).toEqual({ command: "npm test", timeout: 5 });
  });

  it("an input edited by the callback into a denied command is denied", async () => {
    const g = guard({
      deny: ["Bash(rm:*)"],
      canUseTool: () => ({ behavior: "allow", updatedInput: { command: "rm x" } }),
    });
    const r = await g.beforeToolCall(bash("touch x"), signal);
    expect(permissionEvent(r.events)).toMatchObject({ decision: "deny", source: "rule" });
  });

  it("fail-closed hooks that throw block; fail-open ones do not", async () => {
    const throwing = (failureMode: "fail-open" | "fail-closed"): Hooks => ({
      name: failureMode,
      failureMode,
      beforeToolCall: () => {
        throw new Error("hook crashed");
      },
    });
    const closed = await guard({ allow: ["Bash"] }, [throwing("fail-closed")]).beforeToolCall(
      bash("ls"),
      signal,
    );
    expect(closed.decision).toBe("deny");
    expect(closed.events.map((e) => ("decision" in e ? e.decision : undefined))).toEqual(["error", "deny"]);
    const open = await guard({ allow: ["Bash"] }, [throwing("fail-open")]).beforeToolCall(bash("ls"), signal);
    expect(open.decision).toBe("allow");
    expect(open.events.map((e) => ("decision" in e ? e.decision : undefined))).toEqual(["error", "allow"]);
  });
});

describe("the canUseTool callback", () => {
  it("deny with a message: the model sees the message", async () => {
    const r = await guard({
      canUseTool: () => ({ behavior: "deny", message: "Denied by host policy" }),
    }).beforeToolCall(bash("touch x"), signal);
    expect(r.decision === "deny" && r.reason).toContain("Denied by host policy");
    expect(permissionEvent(r.events)).toMatchObject({ source: "callback", reason: "Denied by host policy" });
  });

  it("a throwing callback denies and says so", async () => {
    const r = await guard({
      canUseTool: () => {
        throw new Error("UI crashed");
      },
    }).beforeToolCall(bash("touch x"), signal);
    expect(r.decision).toBe("deny");
    expect(permissionEvent(r.events)).toMatchObject({ source: "callback" });
    expect(permissionEvent(r.events).reason).toMatch(/canUseTool callback failed: UI crashed/);
  });

  it.each([[{ behavior: "default" as const }], [undefined]])(
    "deferring (%j) denies with the how-to",
    async (answer) => {
      const r = await guard({ canUseTool: () => answer }).beforeToolCall(bash("touch x"), signal);
      expect(permissionEvent(r.events)).toMatchObject({ decision: "deny", source: "default" });
      expect(permissionEvent(r.events).reason).toMatch(
        /canUseTool deferred.*permissions: \{ allow: \["Bash\(touch x:\*\)"\] \}/,
      );
    },
  );

  it("an unknown answer denies", async () => {
    const r = await guard({ canUseTool: () => ({ behavior: "maybe" }) as never }).beforeToolCall(
      bash("touch x"),
      signal,
    );
    expect(permissionEvent(r.events)).toMatchObject({ decision: "deny", source: "callback" });
  });

  it("a cancelled run denies a call whose callback is still waiting", async () => {
    const controller = new AbortController();
    const g = guard({ canUseTool: () => new Promise(() => {}) });
    const pending = g.beforeToolCall(bash("touch x"), controller.signal);
    controller.abort();
    const r = await pending;
    expect(permissionEvent(r.events)).toMatchObject({ decision: "deny", reason: "the run was cancelled" });
  });

  it("an already-cancelled run denies without asking anyone", async () => {
    const canUseTool = vi.fn();
    const r = await guard({ canUseTool }).beforeToolCall(bash("touch x"), AbortSignal.abort());
    expect(r.decision).toBe("deny");
    expect(canUseTool).not.toHaveBeenCalled();
  });
});

describe("events and afterToolCall", () => {
  it("records hook decisions, then exactly one permission decision, with canonical tool names", async () => {
    const g = createToolCallGuard({
      sessionId: "s9",
      permissions: { cwd, allow: ["mcp/files"] },
      hooks: [
        {
          name: "audit",
          matcher: "mcp__files__.*",
          beforeToolCall: (c) => ({ reason: `seen in ${c.sessionId}` }),
        },
      ],
    });
    const r = await g.beforeToolCall(
      { toolCallId: "t7", toolName: "mcp__files__write", input: {}, readOnly: false },
      signal,
    );
    expect(r.events).toEqual([
      {
        type: "hook-decision",
        hook: "audit",
        hookEvent: "beforeToolCall",
        decision: "continue",
        reason: "seen in s9",
        toolCallId: "t7",
      },
      {
        type: "permission-decision",
        toolCallId: "t7",
        toolName: "mcp/files/write",
        decision: "allow",
        source: "rule",
        reason: 'it matches allow rule "mcp/files"',
      },
    ]);
  });

  it("afterToolCall hooks replace or annotate the result", async () => {
    const g = guard({}, [
      { matcher: "bash", afterToolCall: () => ({ additionalContext: "[output truncated]" }) },
    ]);
    const result: ToolResultBlock = {
      type: "tool-result",
      toolUseId: "t1",
      content: [{ type: "text", text: "hi" }],
    };
    const out = await g.afterToolCall(bash("echo hi"), result, signal);
    expect(out.result.content).toEqual([
      { type: "text", text: "hi" },
      { type: "text", text: "[output truncated]" },
    ]);
    expect(out.events).toMatchObject([
      { type: "hook-decision", hookEvent: "afterToolCall", decision: "modify" },
    ]);
    const untouched = await g.afterToolCall(read("a.md"), result, signal);
    expect(untouched).toEqual({ result, events: [] });
  });
});
