import { describe, expect, it } from "vitest";
import { canonicalToolName, claudeCodeToolName } from "../../src/hooks/index.js";
import { claudeCodePermissionMode, decideByMode, suggestRule } from "../../src/permissions/index.js";

describe("tool names across runtimes", () => {
  it.each([
    ["Bash", "bash", "Bash"],
    ["bash", "bash", "Bash"],
    ["Read", "read", "Read"],
    ["Write", "write", "Write"],
    ["Edit", "edit", "Edit"],
    ["Glob", "glob", "Glob"],
    ["Grep", "grep", "Grep"],
    ["mcp__files__read_file", "mcp/files/read_file", "mcp__files__read_file"],
    ["mcp/files/read_file", "mcp/files/read_file", "mcp__files__read_file"],
    ["my_tool", "my_tool", "my_tool"],
    ["exec_command", "bash", "Bash"],
    ["apply_patch", "apply_patch", "Edit"],
  ])("%s → canonical %s, Claude Code %s", (name, canonical, claude) => {
    expect(canonicalToolName(name)).toBe(canonical);
    expect(claudeCodeToolName(name)).toBe(claude);
  });
});

describe("mode decisions when no rule matched", () => {
  const cwd = "/proj";
  const edit = { toolName: "edit", input: { file_path: "src/a.ts" }, readOnly: false };
  it.each([
    ["default", edit, "ask"],
    ["acceptEdits", edit, "allow"],
    ["acceptEdits", { ...edit, input: {} }, "ask"],
    ["acceptEdits", { ...edit, input: { file_path: "/proj-other/a.ts" } }, "ask"],
    ["acceptEdits", { toolName: "bash", input: { command: "ls" }, readOnly: false }, "ask"],
    [
      "acceptEdits",
      { toolName: "apply_patch", input: { changes: [{ path: "/proj/a" }, { path: "b" }] }, readOnly: false },
      "allow",
    ],
    [
      "acceptEdits",
      {
        toolName: "apply_patch",
        input: { changes: [{ path: "/proj/a" }, { path: "/tmp/b" }] },
        readOnly: false,
      },
      "ask",
    ],
    ["plan", edit, "deny"],
    ["plan", { toolName: "read", input: {}, readOnly: true }, "allow"],
    ["bypass", { toolName: "bash", input: { command: "rm -rf x" }, readOnly: false }, "allow"],
  ] as const)("%s on %j → %s", (mode, call, expected) => {
    expect(decideByMode(mode, call, cwd).behavior).toBe(expected);
  });

  it("maps bypass to Claude Code's name", () => {
    expect(claudeCodePermissionMode("bypass")).toBe("bypassPermissions");
    expect(claudeCodePermissionMode("plan")).toBe("plan");
  });
});

describe("suggested rules", () => {
  it.each([
    ["bash", { command: "git push origin main" }, "Bash(git push:*)"],
    ["bash", { command: "ls -la && rm x" }, "Bash(ls:*)"],
    ["edit", { file_path: "docs/guide/a.md" }, "Edit(docs/guide/**)"],
    ["write", { file_path: "README.md" }, "Edit(/README.md)"],
    ["write", { file_path: "/elsewhere/a.md" }, "Write"],
    ["mcp/github/create_issue", {}, "mcp/github/create_issue"],
  ])("%s %j → %s", (toolName, input, expected) => {
    expect(suggestRule(toolName, input, "/proj")).toBe(expected);
  });
});
