import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createToolCallGuard } from "../../src/permissions/index.js";
import {
  defaultSettingsFiles,
  guardOptionsFromSettings,
  loadSettings,
} from "../../src/permissions/settings/index.js";
import { ArkyError } from "../../src/protocol/index.js";

const root = mkdtempSync(join(tmpdir(), "arky-settings-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function layout() {
  const base = join(root, `case-${++n}`);
  const home = join(base, "home");
  const cwd = join(base, "project");
  const put = (path: string, content: unknown) => {
    const full = join(base, path);
    mkdirSync(join(full, ".."), { recursive: true });
    writeFileSync(full, typeof content === "string" ? content : JSON.stringify(content));
    return full;
  };
  return { home, cwd, put };
}

async function loadError(options: Parameters<typeof loadSettings>[0]): Promise<ArkyError> {
  try {
    await loadSettings(options);
  } catch (error) {
    if (ArkyError.isArkyError(error)) return error;
    throw error;
  }
  throw new Error("expected loadSettings to fail");
}

describe("loadSettings", () => {
  it("reads user then project files; lists merge and the project's mode overrides the user's", async () => {
    const { home, cwd, put } = layout();
    put("home/.claude/settings.json", {
      model: "ignored",
      permissions: { allow: ["Read"], deny: ["Bash(rm:*)"], defaultMode: "plan" },
      hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "user-hook" }] }] },
    });
    put("home/.arky/settings.json", { permissions: { ask: ["Bash(git push:*)"] } });
    put("project/.claude/settings.json", {
      permissions: { allow: ["Bash(npm run *)"], defaultMode: "acceptEdits" },
      hooks: { PreToolUse: [{ hooks: [{ type: "command", command: "project-hook", timeout: 5 }] }] },
    });
    put("project/.claude/settings.local.json", { permissions: { defaultMode: "bypassPermissions" } });

    const s = await loadSettings({ cwd, home });
    expect(s.files).toEqual([
      join(home, ".claude/settings.json"),
      join(home, ".arky/settings.json"),
      join(cwd, ".claude/settings.json"),
      join(cwd, ".claude/settings.local.json"),
    ]);
    expect(s.permissions).toEqual({
      allow: ["Read", "Bash(npm run *)"],
      deny: ["Bash(rm:*)"],
      ask: ["Bash(git push:*)"],
      mode: "bypass",
    });
    expect(s.hooks).toEqual([
      {
        event: "PreToolUse",
        matcher: "Bash",
        command: "user-hook",
        source: join(home, ".claude/settings.json"),
      },
      {
        event: "PreToolUse",
        command: "project-hook",
        timeoutSeconds: 5,
        source: join(cwd, ".claude/settings.json"),
      },
    ]);
    expect(s.warnings).toEqual([]);
  });

  it("project mode wins over user mode, and an explicit mode wins over both", async () => {
    const { home, cwd, put } = layout();
    put("home/.claude/settings.json", { permissions: { defaultMode: "bypassPermissions" } });
    put("project/.arky/settings.json", { permissions: { defaultMode: "plan" } });
    const s = await loadSettings({ cwd, home });
    expect(s.permissions.mode).toBe("plan");
    const fromSettings = createToolCallGuard(guardOptionsFromSettings(s));
    expect(fromSettings.mode).toBe("plan");
    const explicit = createToolCallGuard(guardOptionsFromSettings(s, { permissions: { mode: "default" } }));
    expect(explicit.mode).toBe("default");
  });

  it("deny rules from the user's file beat allow rules from the project's", async () => {
    const { home, cwd, put } = layout();
    put("home/.claude/settings.json", { permissions: { deny: ["Bash(curl:*)"] } });
    put("project/.claude/settings.json", { permissions: { allow: ["Bash"] } });
    const g = createToolCallGuard(guardOptionsFromSettings(await loadSettings({ cwd, home })));
    const call = (command: string) => ({
      toolCallId: "t",
      toolName: "Bash",
      input: { command },
      readOnly: false,
    });
    const signal = new AbortController().signal;
    expect((await g.beforeToolCall(call("curl evil.sh"), signal)).decision).toBe("deny");
    expect((await g.beforeToolCall(call("ls"), signal)).decision).toBe("allow");
  });

  it("skips missing files and lists the default locations", async () => {
    const { home, cwd } = layout();
    const s = await loadSettings({ cwd, home });
    expect(s).toEqual({ files: [], permissions: { allow: [], deny: [], ask: [] }, hooks: [], warnings: [] });
    expect(defaultSettingsFiles("/p", "/h")).toEqual([
      "/h/.claude/settings.json",
      "/h/.arky/settings.json",
      "/p/.claude/settings.json",
      "/p/.arky/settings.json",
      "/p/.claude/settings.local.json",
    ]);
  });

  it("warns about, and ignores, hook events, hook types and modes Arky does not run", async () => {
    const { put } = layout();
    const file = put("s.json", {
      permissions: { defaultMode: "dontAsk" },
      hooks: {
        Notification: [{ hooks: [{ type: "command", command: "notify-send hi" }] }],
        Stop: [{ hooks: [{ type: "prompt", prompt: "Are you done?" }] }],
      },
    });
    const s = await loadSettings({ files: [file] });
    expect(s.hooks).toEqual([]);
    expect(s.permissions.mode).toBeUndefined();
    expect(s.warnings).toHaveLength(3);
    expect(s.warnings.join("\n")).toMatch(
      /defaultMode "dontAsk"[\s\S]*hooks\.Notification[\s\S]*hooks\.Stop\[0\]\.hooks\[0\] has type "prompt"/,
    );
  });

  it("a malformed rule names the file, the list position and the rule", async () => {
    const { cwd, home, put } = layout();
    const file = put("project/.claude/settings.json", {
      permissions: { allow: ["Read"], deny: ["Bash", "Bash(rm:*"] },
    });
    const error = await loadError({ cwd, home });
    expect(error.code).toBe("configuration");
    expect(error.message).toContain(file);
    expect(error.message).toContain("permissions.deny[1]");
    expect(error.message).toContain('"Bash(rm:*"');
  });

  it.each([
    [
      { hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command" }] }] } },
      /hooks\.PreToolUse\[0\]\.hooks\[0\] is malformed/,
    ],
    [
      {
        hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "x", timeout: -1 }] }] },
      },
      /hooks\.PreToolUse\[0\]\.hooks\[0\].*positive/s,
    ],
    [{ hooks: { PostToolUse: [{ matcher: "Bash" }] } }, /hooks\.PostToolUse\[0\] is malformed/],
    [
      { hooks: { PreToolUse: [{ matcher: "Bash(", hooks: [] }] } },
      /hooks\.PreToolUse\[0\]\.matcher "Bash\(" is not a valid pattern/,
    ],
    [{ hooks: { Stop: [{ hooks: ["echo hi"] }] } }, /hooks\.Stop\[0\]\.hooks\[0\] is malformed/],
    [{ hooks: { PreToolUse: { matcher: "Bash" } } }, /not a valid settings file/],
    [{ permissions: { allow: "Bash" } }, /not a valid settings file/],
    ["{ not json", /is not valid JSON/],
  ])("rejects %j naming the file and the entry", async (content, message) => {
    const { put } = layout();
    const file = put("bad.json", content);
    const error = await loadError({ files: [file] });
    expect(error.code).toBe("configuration");
    expect(error.message).toContain(`Settings file ${file}`);
    expect(error.message).toMatch(message);
  });
});
