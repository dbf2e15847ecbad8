import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseRunArgs } from "../../src/cli/args.js";
import { main } from "../../src/cli/main.js";
import { splitRules } from "../../src/cli/permission-args.js";
import { loadSettings } from "../../src/permissions/settings/index.js";
import {
  type ScriptedModelServer,
  startScriptedModelServer,
  textReply,
  toolCallReply,
} from "../../src/testing/index.js";
import { captureIo, tempDir } from "../sessions-cli/helpers.js";

let home: ReturnType<typeof tempDir>;
let project: ReturnType<typeof tempDir>;
let server: ScriptedModelServer | undefined;

beforeEach(() => {
  home = tempDir("arky-run-home-");
  project = tempDir("arky-run-project-");
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  home.remove();
  project.remove();
});

function writeSettings(base: string, file: string, settings: unknown): void {
  mkdirSync(join(base, ".claude"), { recursive: true });
  writeFileSync(join(base, ".claude", file), JSON.stringify(settings));
}

/** `arky run --tools all --cwd <project> …` where the scripted model runs `command` with bash, then answers. */
async function runBash(flags: string[], command = "touch PWNED") {
  server = await startScriptedModelServer({
    script: [toolCallReply("bash", { command }), textReply("done")],
  });
  const io = captureIo({
    ANTHROPIC_API_KEY: "test-key",
    ANTHROPIC_BASE_URL: server.baseUrl,
    HOME: home.path,
    ARKY_HOME: home.path,
  });
  rmSync(join(project.path, "PWNED"), { force: true });
  const code = await main(["run", "go", "--tools", "all", "--cwd", project.path, "--no-store", ...flags], io);
  const pwned = existsSync(join(project.path, "PWNED"));
  await server.close();
  const requests = server.requests;
  server = undefined;
  return { code, out: io.out(), err: io.err(), pwned, requests };
}

describe("arky run permissions", () => {
  it("refuses a command by default and says which flags allow it", async () => {
    const run = await runBash([]);
    expect(run.code).toBe(0);
    expect(run.pwned).toBe(false);
    expect(run.out).toMatch(/bash denied/);
    expect(run.out).toContain('--allowed-tools "Bash(touch PWNED');
    expect(run.out).toContain("--permission-mode");
    // The model was told too: the tool result it got back is the refusal.
    expect(JSON.stringify(run.requests.at(-1)?.body)).toContain("--allowed-tools");
  });

  it("runs it with --permission-mode bypass (or bypassPermissions) or a matching --allowed-tools rule", async () => {
    expect((await runBash(["--permission-mode", "bypass"])).pwned).toBe(true);
    expect((await runBash(["--permission-mode", "bypassPermissions"])).pwned).toBe(true);
    expect((await runBash(["--allowed-tools", "Bash(touch PWNED)", "Read"])).pwned).toBe(true);
    expect((await runBash(["--allowedTools=Read,Bash(touch PWNED)"])).pwned).toBe(true);
    expect((await runBash(["--allowed-tools", "Bash(ls:*)"])).pwned).toBe(false);
    expect((await runBash(["--permission-mode", "acceptEdits"])).pwned).toBe(false);
  });

  it("a deny rule wins over an allow rule and over bypass, from the flags or the project settings", async () => {
    const flags = await runBash(["--permission-mode", "bypass", "--disallowed-tools", "Bash(touch:*)"]);
    expect(flags.pwned).toBe(false);
    expect(flags.out).toMatch(/bash denied \(rule\)/);

    writeSettings(project.path, "settings.json", { permissions: { deny: ["Bash(touch:*)"] } });
    expect((await runBash(["--allowed-tools", "Bash(touch PWNED)"])).pwned).toBe(false);
    expect((await runBash(["--permission-mode", "bypass"])).pwned).toBe(false);
  });

  it("reads user settings from $HOME, with project over user, local over project, and flags over all", async () => {
    writeSettings(home.path, "settings.json", { permissions: { allow: ["Bash(touch PWNED)"] } });
    expect((await runBash([])).pwned).toBe(true);

    writeSettings(home.path, "settings.json", { permissions: { defaultMode: "plan" } });
    writeSettings(project.path, "settings.json", { permissions: { defaultMode: "bypassPermissions" } });
    expect((await runBash([])).pwned).toBe(true);

    writeSettings(project.path, "settings.local.json", { permissions: { defaultMode: "default" } });
    expect((await runBash([])).pwned).toBe(false);
    expect((await runBash(["--permission-mode", "bypass"])).pwned).toBe(true);
  });

  it("uses the settings' model and gives their env to bash", async () => {
    writeSettings(project.path, "settings.json", {
      model: "claude-from-settings",
      env: { ARKY_TEST_GREETING: "from-settings" },
    });
    const run = await runBash(["--permission-mode", "bypass"], 'echo "$ARKY_TEST_GREETING" > greeting.txt');
    expect(run.code).toBe(0);
    expect(readFileSync(join(project.path, "greeting.txt"), "utf8").trim()).toBe("from-settings");
    expect(run.requests.map((r) => (r.body as { model: string }).model)).toEqual([
      "claude-from-settings",
      "claude-from-settings",
    ]);
    expect((await runBash(["-m", "claude-from-flag"])).requests[0]?.body).toMatchObject({
      model: "claude-from-flag",
    });
  });

  it("runs the settings' command hooks: a PreToolUse hook that exits 2 blocks even in bypass mode", async () => {
    writeSettings(project.path, "settings.json", {
      hooks: {
        PreToolUse: [
          { matcher: "Bash", hooks: [{ type: "command", command: "echo 'no touching' >&2; exit 2" }] },
        ],
      },
    });
    const run = await runBash(["--permission-mode", "bypass"]);
    expect(run.pwned).toBe(false);
    expect(run.out).toMatch(/bash denied \(hook\): no touching/);
  });

  it("merges env per variable (a later file wins) and takes the last file's model", async () => {
    writeSettings(home.path, "settings.json", { model: "user-model", env: { A: "user", B: "user" } });
    writeSettings(project.path, "settings.local.json", { env: { B: "local" } });
    const settings = await loadSettings({ cwd: project.path, home: home.path });
    expect(settings.env).toEqual({ A: "user", B: "local" });
    expect(settings.model).toBe("user-model");
  });

  it("refuses a malformed settings file or rule with a usage error", async () => {
    writeSettings(project.path, "settings.json", { permissions: { allow: ["Bash(unclosed"] } });
    const bad = await runBash([]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Invalid permission rule "Bash\(unclosed" in .*settings\.json/);
  });
});

describe("arky run permission flags", () => {
  it("splits rules on commas and spaces outside parentheses, and lists run to the next option", () => {
    expect(splitRules("Bash(npm test), Read Edit(src/**)")).toEqual([
      "Bash(npm test)",
      "Read",
      "Edit(src/**)",
    ]);
    const args = parseRunArgs([
      "hi there",
      "--allowed-tools",
      "Bash(npm test)",
      "Read,Grep",
      "--disallowed-tools",
      "Bash(rm:*)",
      "--permission-mode",
      "acceptEdits",
    ]);
    expect(args).toMatchObject({
      prompt: "hi there",
      allow: ["Bash(npm test)", "Read", "Grep"],
      deny: ["Bash(rm:*)"],
      permissionMode: "acceptEdits",
    });
    expect(parseRunArgs(["--allowed-tools", "Read", "--", "a prompt"]).prompt).toBe("a prompt");
  });

  it("rejects an unknown mode, a malformed rule and an empty list", async () => {
    const io = captureIo({ ANTHROPIC_API_KEY: "k", HOME: home.path });
    expect(await main(["run", "--permission-mode", "yolo", "hi"], io)).toBe(2);
    expect(io.err()).toMatch(
      /--permission-mode must be default, acceptEdits, plan, bypass, bypassPermissions/,
    );
    expect(await main(["run", "--allowed-tools", "Bash(unclosed", "--", "hi"], io)).toBe(2);
    expect(io.err()).toMatch(/Invalid permission rule "Bash\(unclosed" in --allowed-tools/);
    expect(await main(["run", "--disallowed-tools", "--tools", "all", "hi"], io)).toBe(2);
    expect(io.err()).toMatch(/--disallowed-tools needs at least one rule/);
  });

  it("names the flags in arky run --help", async () => {
    const io = captureIo();
    expect(await main(["run", "--help"], io)).toBe(0);
    for (const flag of ["--permission-mode", "--allowed-tools", "--disallowed-tools", "-p, --print"])
      expect(io.out()).toContain(flag);
    expect(io.out()).toMatch(/JSON Lines/);
    expect(io.out()).toMatch(/\.claude\/settings\.local\.json/);
  });
});
