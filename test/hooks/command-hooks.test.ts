import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { HookChain } from "../../src/hooks/index.js";
import { type CanUseTool, createToolCallGuard, type GuardedToolCall } from "../../src/permissions/index.js";
import {
  type CommandHookSpec,
  createCommandHook,
  guardOptionsFromSettings,
  loadSettings,
} from "../../src/permissions/settings/index.js";
import type { AgentEventBody, ToolResultBlock } from "../../src/protocol/index.js";

const dir = mkdtempSync(join(tmpdir(), "arky-command-hooks-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const signal = new AbortController().signal;

let counter = 0;
/** Writes an executable shell script and returns its path. */
function script(body: string): string {
  const path = join(dir, `hook-${++counter}.sh`);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const bash = (command: string): GuardedToolCall => ({
  toolCallId: "toolu_1",
  toolName: "bash",
  input: { command },
  readOnly: false,
  sessionId: "sess-1",
});

function guardWith(
  spec: Omit<CommandHookSpec, "event"> & { event?: CommandHookSpec["event"] },
  canUseTool?: CanUseTool,
) {
  return createToolCallGuard({
    permissions: { cwd: dir, allow: ["Bash"], ...(canUseTool ? { allow: [], canUseTool } : {}) },
    hooks: [createCommandHook({ event: "PreToolUse", ...spec }, { cwd: dir })],
  });
}

const hookEvents = (events: AgentEventBody[]) => events.filter((e) => e.type === "hook-decision");

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    // A zombie waiting for its reaper has exited: count it as gone.
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.startsWith("Z") ?? false;
  } catch {
    return true;
  }
}

async function waitGone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    if (processGone(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return processGone(pid);
}

describe("PreToolUse command hooks (real processes)", () => {
  it("gets Claude Code's hook input on stdin", async () => {
    const out = join(dir, "stdin.json");
    const g = guardWith({ command: `cat > ${out}` });
    const r = await g.beforeToolCall(bash("ls -la"), signal);
    expect(r.decision).toBe("allow");
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual({
      cwd: dir,
      hook_event_name: "PreToolUse",
      session_id: "sess-1",
      permission_mode: "default",
      tool_name: "Bash",
      tool_input: { command: "ls -la" },
      tool_use_id: "toolu_1",
    });
  });

  it("exit 2 blocks with stderr as the reason", async () => {
    const g = guardWith({ command: script(`echo "rm is not allowed here" >&2; exit 2`) });
    const r = await g.beforeToolCall(bash("rm -rf x"), signal);
    expect(r.decision).toBe("deny");
    if (r.decision === "deny") expect(r.reason).toContain("rm is not allowed here");
    expect(hookEvents(r.events)).toMatchObject([{ decision: "block", reason: "rm is not allowed here" }]);
  });

  it.each([
    [
      `{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"hook says no"}}`,
      "hook says no",
    ],
    [`{"decision":"block","reason":"legacy block reason"}`, "legacy block reason"],
    [`{"continue":false,"stopReason":"stop everything"}`, "stop everything"],
  ])("JSON on stdout can block: %s", async (json, reason) => {
    const g = guardWith({ command: script(`cat > /dev/null; echo '${json}'`) });
    const r = await g.beforeToolCall(bash("ls"), signal);
    expect(r.decision).toBe("deny");
    if (r.decision === "deny") expect(r.reason).toContain(reason);
  });

  it("JSON permissionDecision allow skips the callback; ask forces it", async () => {
    const canUseTool = vi.fn<CanUseTool>(() => ({ behavior: "deny", message: "asked and refused" }));
    const allow = `{"hookSpecificOutput":{"permissionDecision":"allow","permissionDecisionReason":"safe"}}`;
    const allowed = await guardWith({ command: `echo '${allow}'` }, canUseTool).beforeToolCall(
      bash("touch x"),
      signal,
    );
    expect(allowed.decision).toBe("allow");
    expect(canUseTool).not.toHaveBeenCalled();

    const ask = `{"hookSpecificOutput":{"permissionDecision":"ask"}}`;
    const asked = await guardWith({ command: `echo '${ask}'` }, canUseTool).beforeToolCall(
      bash("touch x"),
      signal,
    );
    expect(asked.decision).toBe("deny");
    expect(canUseTool).toHaveBeenCalledTimes(1);
  });

  it("updatedInput replaces the input that runs", async () => {
    const json = `{"hookSpecificOutput":{"permissionDecision":"allow","updatedInput":{"command":"echo rewritten-by-hook"}}}`;
    const r = await guardWith({ command: `echo '${json}'` }).beforeToolCall(bash("echo original"), signal);
    expect(r).toMatchObject({ decision: "allow", input: { command: "echo rewritten-by-hook" } });
    expect(hookEvents(r.events)).toMatchObject([{ decision: "modify" }]);
  });

  it("a missing command is a non-blocking error (fail-open), or blocks when fail-closed", async () => {
    const missing = join(dir, "does-not-exist.sh");
    const open = await guardWith({ command: missing }).beforeToolCall(bash("ls"), signal);
    expect(open.decision).toBe("allow");
    const [event] = hookEvents(open.events);
    expect(event).toMatchObject({ decision: "error" });
    expect(event?.type === "hook-decision" && event.reason).toMatch(/exited with code 127.*not found/s);

    const closed = await guardWith({ command: missing, failureMode: "fail-closed" }).beforeToolCall(
      bash("ls"),
      signal,
    );
    expect(closed.decision).toBe("deny");
  });

  it("a hook that cannot start (missing working directory) is a hook failure", async () => {
    const hook = createCommandHook(
      { event: "PreToolUse", command: "true" },
      { cwd: join(dir, "no-such-dir") },
    );
    const r = await createToolCallGuard({ permissions: { allow: ["Bash"] }, hooks: [hook] }).beforeToolCall(
      bash("ls"),
      signal,
    );
    expect(r.decision).toBe("allow");
    const [event] = hookEvents(r.events);
    expect(event?.type === "hook-decision" && event.reason).toMatch(/could not start.*no-such-dir/);
  });

  it("invalid JSON on stdout is an error, not a decision", async () => {
    const r = await guardWith({ command: script(`echo '{"decision": "block", oops'`) }).beforeToolCall(
      bash("ls"),
      signal,
    );
    expect(r.decision).toBe("allow");
    const [event] = hookEvents(r.events);
    expect(event?.type === "hook-decision" && event.reason).toMatch(/invalid JSON/);
  });

  it("JSON of the wrong shape is an error too", async () => {
    const r = await guardWith({ command: `echo '{"decision":"maybe"}'` }).beforeToolCall(bash("ls"), signal);
    const [event] = hookEvents(r.events);
    expect(event).toMatchObject({ decision: "error" });
    expect(event?.type === "hook-decision" && event.reason).toMatch(/not valid hook output/);
  });

  it("an unknown exit code is a non-blocking error carrying stderr", async () => {
    const r = await guardWith({ command: script(`echo "linter crashed" >&2; exit 3`) }).beforeToolCall(
      bash("ls"),
      signal,
    );
    expect(r.decision).toBe("allow");
    const [event] = hookEvents(r.events);
    expect(event).toMatchObject({ decision: "error" });
    expect(event?.type === "hook-decision" && event.reason).toMatch(/exited with code 3: linter crashed/);
  });

  it("plain text on stdout is ignored for tool hooks", async () => {
    const r = await guardWith({ command: `echo "just logging"` }).beforeToolCall(bash("ls"), signal);
    expect(r.decision).toBe("allow");
    expect(hookEvents(r.events)).toMatchObject([{ decision: "continue" }]);
  });

  it("a hanging hook is killed at its timeout, with everything it started", async () => {
    const pids = join(dir, "hang.pids");
    const hang = script(`sleep 300 & echo "$$ $!" > ${pids}; wait`);
    const r = await guardWith({ command: hang, timeoutSeconds: 0.5 }).beforeToolCall(bash("ls"), signal);
    expect(r.decision).toBe("allow");
    const [event] = hookEvents(r.events);
    expect(event?.type === "hook-decision" && event.reason).toMatch(/timed out after 500 ms and was killed/);
    const [shell, sleeper] = readFileSync(pids, "utf8").trim().split(" ").map(Number);
    expect(await waitGone(shell!)).toBe(true);
    expect(await waitGone(sleeper!)).toBe(true);
  });

  it("a cancelled run kills the hook's process group", async () => {
    const pids = join(dir, "abort.pids");
    const hang = script(`sleep 300 & echo "$$ $!" > ${pids}; wait`);
    const controller = new AbortController();
    const pending = guardWith({ command: hang }).beforeToolCall(bash("ls"), controller.signal);
    for (let i = 0; i < 100; i++) {
      try {
        if (readFileSync(pids, "utf8").trim().includes(" ")) break;
      } catch {
        // not written yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    controller.abort();
    const r = await pending;
    expect(r.decision).toBe("deny");
    const [shell, sleeper] = readFileSync(pids, "utf8").trim().split(" ").map(Number);
    expect(await waitGone(shell!)).toBe(true);
    expect(await waitGone(sleeper!)).toBe(true);
  });

  it("passes only allowlisted environment variables, plus the project directory", async () => {
    const out = join(dir, "env.txt");
    const hook = createCommandHook(
      { event: "PreToolUse", command: `env > ${out}` },
      {
        cwd: dir,
        baseEnv: { PATH: process.env.PATH, HOME: "/home/x", ANTHROPIC_API_KEY: "sk-secret", LC_ALL: "C" },
      },
    );
    await createToolCallGuard({ permissions: { allow: ["Bash"] }, hooks: [hook] }).beforeToolCall(
      bash("ls"),
      signal,
    );
    const env = readFileSync(out, "utf8");
    expect(env).not.toContain("sk-secret");
    expect(env).toContain("HOME=/home/x");
    expect(env).toContain("LC_ALL=C");
    expect(env).toContain(`CLAUDE_PROJECT_DIR=${dir}`);
  });

  it("names the hook by its program only, so arguments (tokens) stay out of events", async () => {
    const g = guardWith({ command: "/bin/echo --token=secret-token-123 > /dev/null" });
    const r = await g.beforeToolCall(bash("ls"), signal);
    expect(hookEvents(r.events)).toMatchObject([{ hook: "command: echo" }]);
    expect(JSON.stringify(r.events)).not.toContain("secret-token-123");
  });

  it("matchers select tools in Claude Code's spelling", async () => {
    const log = join(dir, "matched.log");
    const g = guardWith({ matcher: "Write|Edit", command: `cat >> ${log}` });
    await g.beforeToolCall(bash("ls"), signal);
    await g.beforeToolCall(
      { toolCallId: "t2", toolName: "edit", input: { file_path: "a" }, readOnly: false },
      signal,
    );
    const lines = readFileSync(log, "utf8").trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).tool_name).toBe("Edit");
  });
});

describe("other command hook events (real processes)", () => {
  const result: ToolResultBlock = {
    type: "tool-result",
    toolUseId: "toolu_1",
    content: [{ type: "text", text: "ok" }],
  };

  it("PostToolUse: additionalContext and exit-2 stderr annotate the result", async () => {
    const json = `{"hookSpecificOutput":{"hookEventName":"PostToolUse","additionalContext":"lint: 2 warnings"}}`;
    const chain = new HookChain([
      createCommandHook({ event: "PostToolUse", command: `echo '${json}'` }, { cwd: dir }),
      createCommandHook(
        { event: "PostToolUse", command: script(`echo "format the file" >&2; exit 2`) },
        { cwd: dir },
      ),
    ]);
    const out = await chain.afterToolCall({
      sessionId: "s",
      toolCallId: "toolu_1",
      toolName: "bash",
      input: {},
      result,
      signal,
    });
    expect(out.result.content).toEqual([
      { type: "text", text: "ok" },
      { type: "text", text: "lint: 2 warnings\nformat the file" },
    ]);
  });

  it("UserPromptSubmit: plain stdout adds context, exit 2 blocks", async () => {
    const prompt = { role: "user" as const, content: [{ type: "text" as const, text: "deploy" }] };
    const ctx = new HookChain([
      createCommandHook({ event: "UserPromptSubmit", command: `echo "branch: main"` }, { cwd: dir }),
    ]);
    const added = await ctx.userPromptSubmit({ sessionId: "s", prompt, signal });
    expect(added).toMatchObject({ decision: "continue", additionalContext: "branch: main" });

    const seen = join(dir, "prompt.json");
    const block = new HookChain([
      createCommandHook(
        {
          event: "UserPromptSubmit",
          command: script(`cat > ${seen}; echo "no deploys on Friday" >&2; exit 2`),
        },
        { cwd: dir },
      ),
    ]);
    const blocked = await block.userPromptSubmit({ sessionId: "s", prompt, signal });
    expect(blocked).toMatchObject({ decision: "block", reason: "no deploys on Friday" });
    expect(JSON.parse(readFileSync(seen, "utf8"))).toMatchObject({
      hook_event_name: "UserPromptSubmit",
      prompt: "deploy",
    });
  });

  it("Stop: a block keeps the agent going and the next call sees stop_hook_active", async () => {
    const seen = join(dir, "stop.log");
    const stop = script(
      `cat >> ${seen}; echo >> ${seen}; echo '{"decision":"block","reason":"run the tests first"}'`,
    );
    const chain = new HookChain([createCommandHook({ event: "Stop", command: stop }, { cwd: dir })]);
    expect(await chain.onStop({ sessionId: "s", signal })).toMatchObject({
      decision: "continue",
      reason: "run the tests first",
    });
    await chain.onStop({ sessionId: "s", signal });
    const inputs = readFileSync(seen, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(inputs.map((i) => i.stop_hook_active)).toEqual([false, true]);
  });

  it("SessionStart: the matcher selects the source", async () => {
    const chain = new HookChain([
      createCommandHook(
        { event: "SessionStart", matcher: "resume", command: `echo "resumed"` },
        { cwd: dir },
      ),
    ]);
    expect(
      (await chain.sessionStart({ sessionId: "s", source: "startup", signal })).additionalContext,
    ).toBeUndefined();
    expect((await chain.sessionStart({ sessionId: "s", source: "resume", signal })).additionalContext).toBe(
      "resumed",
    );
  });

  it("SessionStart: hookSpecificOutput.additionalContext is returned", async () => {
    const json = `{"hookSpecificOutput":{"hookEventName":"SessionStart","additionalContext":"repo uses pnpm"}}`;
    const chain = new HookChain([
      createCommandHook({ event: "SessionStart", command: `echo '${json}'` }, { cwd: dir }),
    ]);
    expect((await chain.sessionStart({ sessionId: "s", source: "startup", signal })).additionalContext).toBe(
      "repo uses pnpm",
    );
  });
});

describe("hooks from a settings file", () => {
  it("runs the file's hooks and rules through the guard", async () => {
    const project = mkdtempSync(join(dir, "project-"));
    const settings = join(project, "settings.json");
    const blocker = script(`echo "pushing is reviewed by humans" >&2; exit 2`);
    writeFileSync(
      settings,
      JSON.stringify({
        permissions: { allow: ["Bash(git:*)"] },
        hooks: {
          PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: `${blocker}`, timeout: 10 }] }],
        },
      }),
    );
    const loaded = await loadSettings({ files: [settings] });
    const g = createToolCallGuard(guardOptionsFromSettings(loaded, { permissions: { cwd: project } }));
    const r = await g.beforeToolCall(bash("git push"), signal);
    expect(r.decision).toBe("deny");
    if (r.decision === "deny") expect(r.reason).toContain("pushing is reviewed by humans");
  });
});
