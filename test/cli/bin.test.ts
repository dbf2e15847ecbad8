import { execFile, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nodeTooOld } from "../../src/cli/node-version.js";
import { SqliteSessionStore } from "../../src/stores/sqlite/index.js";
import { type ScriptedModelServer, startScriptedModelServer, textReply } from "../../src/testing/index.js";
import { tempDir } from "../sessions-cli/helpers.js";

// The real bin, from source: the same entry `dist/cli/bin.js` is built from.
const BIN = ["--import", "tsx", join(process.cwd(), "src/cli/bin.ts")];
const run = promisify(execFile);

let home: ReturnType<typeof tempDir>;
let server: ScriptedModelServer | undefined;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  home = tempDir("arky-bin-home-");
  env = { ...process.env, ARKY_HOME: home.path, HOME: home.path, ANTHROPIC_API_KEY: "test-key" };
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  home.remove();
});

/** Runs `script` in bash, where `arky` is the bin. Returns stdout, stderr and the status of the first command. */
async function pipeline(script: string) {
  const define = 'arky() { "$ARKY_NODE" --import tsx "$ARKY_BIN" "$@"; }';
  const { stdout, stderr } = await run(
    "bash",
    ["-c", `${define}\n${script}; echo "status=\${PIPESTATUS[0]}" >&2`],
    {
      env: { ...env, ARKY_NODE: process.execPath, ARKY_BIN: BIN[2] },
      timeout: 60_000,
    },
  );
  const status = Number(/status=(\d+)/.exec(stderr)?.[1]);
  return { stdout, stderr: stderr.replace(/status=\d+\n$/, ""), status };
}

describe("a closed pipe ends arky quietly", () => {
  it("arky sessions list --json | head -1", async () => {
    const store = new SqliteSessionStore({ path: join(home.path, "sessions.db") });
    // Far more than a pipe holds (64 KiB), so arky is still writing when head exits.
    for (let i = 0; i < 400; i++)
      await store.create(`session-${i}`, { title: `title ${i} ${"x".repeat(300)}` });
    await store.close();
    const { stdout, stderr, status } = await pipeline("arky sessions list --json | head -1");
    expect(JSON.parse(stdout)).toMatchObject({ sessionId: expect.stringMatching(/^session-/) });
    expect(stderr).toBe("");
    expect(status).toBe(0);
  });

  it("arky run -o stream-json | head -2", async () => {
    server = await startScriptedModelServer({
      script: [{ ...textReply("word ".repeat(400)), chunkDelayMs: 1 }],
    });
    env.ANTHROPIC_BASE_URL = server.baseUrl;
    const { stdout, stderr, status } = await pipeline("arky run -o stream-json --tools none hello | head -2");
    expect(stdout.trim().split("\n")).toHaveLength(2);
    expect(JSON.parse(stdout.split("\n")[0] as string).type).toBe("session-start");
    expect(stderr).toBe("");
    expect(status).toBe(0);
  });
});

describe("the prompt from stdin", () => {
  beforeEach(async () => {
    server = await startScriptedModelServer({ script: [textReply("answered")] });
    env.ANTHROPIC_BASE_URL = server.baseUrl;
  });
  const lastPrompt = () => JSON.stringify(server?.requests.at(-1)?.body);

  it("echo … | arky run reads the prompt from stdin", async () => {
    const { stdout, stderr, status } = await pipeline('echo "the prompt from stdin" | arky run --tools none');
    expect(status, stderr).toBe(0);
    expect(stdout).toMatch(/^answered\n/);
    expect(lastPrompt()).toContain("the prompt from stdin");
  });

  it("arky -p <prompt> with piped stdin appends stdin after a blank line", async () => {
    const { stderr, status } = await pipeline('printf "piped context" | arky -p "the question" --tools none');
    expect(status, stderr).toBe(0);
    expect(lastPrompt()).toContain(JSON.stringify("the question\n\npiped context"));
  });

  it("does not wait for a parent's open stdin when a prompt is given", async () => {
    const child = spawn(process.execPath, [...BIN, "run", "--tools", "none", "-p", "only the argument"], {
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^answered\n/);
    expect(lastPrompt()).toContain(JSON.stringify("only the argument"));
  });
});

describe("an old Node", () => {
  const message =
    /^arky: Arky needs Node ≥ 22\.13 \(this is Node [\d.]+\); install a current one with `nvm install 22` or from https:\/\/nodejs\.org\.\n$/;

  it("is recognised from the version string", () => {
    expect(nodeTooOld("20.19.0")).toMatch(/needs Node ≥ 22\.13 \(this is Node 20\.19\.0\)/);
    expect(nodeTooOld("22.12.0")).toBeDefined();
    expect(nodeTooOld("v18.0.0")).toBeDefined();
    expect(nodeTooOld("22.13.0")).toBeUndefined();
    expect(nodeTooOld("23.0.0")).toBeUndefined();
    expect(nodeTooOld("24.21.0")).toBeUndefined();
  });

  it("gets one line and status 1 from the bin, before anything else loads", async () => {
    const fake = `data:text/javascript,Object.defineProperty(process.versions,"node",{value:"20.11.1"})`;
    const result = await run(process.execPath, ["--import", fake, ...BIN, "sessions", "list"], { env }).then(
      () => undefined,
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(result?.code).toBe(1);
    expect(result?.stdout).toBe("");
    expect(result?.stderr).toMatch(message);
    expect(result?.stderr).toContain("this is Node 20.11.1");
  });

  // A real old Node, where the machine has one (no download): /usr/bin/node on some hosts.
  const oldNode = ["/usr/bin/node", "/usr/local/bin/node"].find(
    (path) => existsSync(path) && nodeTooOld(execFileSync(path, ["--version"], { encoding: "utf8" }).trim()),
  );
  it.runIf(oldNode)(`gets the same line on a real old Node (${oldNode})`, async () => {
    const result = await run(oldNode as string, [...BIN, "sessions", "list"], { env }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(result?.code).toBe(1);
    expect(result?.stderr).toMatch(message);
  });
});
