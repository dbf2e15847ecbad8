import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { demoCommand } from "../../src/cli/demo.js";
import { main } from "../../src/cli/main.js";
import { type ScriptedModelServer, startScriptedModelServer, textReply } from "../../src/testing/index.js";
import { captureIo as capture } from "../sessions-cli/helpers.js";

// Runs record sessions; keep them out of the real ~/.arky.
const arkyHome = mkdtempSync(join(tmpdir(), "arky-cli-home-"));
afterAll(() => rmSync(arkyHome, { recursive: true, force: true }));

const captureIo = (env: NodeJS.ProcessEnv = {}) => capture({ ARKY_HOME: arkyHome, HOME: arkyHome, ...env });

let server: ScriptedModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("arky demo", () => {
  it("is in the help with its --keep option", async () => {
    const io = captureIo();
    expect(await main(["help"], io)).toBe(0);
    expect(io.out()).toContain("arky demo [--keep]");
    expect(io.out()).toMatch(/--keep: leave the folder/);
  });

  it("runs a streamed, tool-using turn offline and shows tools, results and the cost line", async () => {
    const io = captureIo();
    const code = await demoCommand(io, { chunkDelayMs: 0 });
    const out = io.out();
    expect(code).toBe(0);
    expect(out).toMatch(/scripted model/);
    expect(out).toMatch(/▸ read \{"path":"greet.mjs"\}/);
    expect(out).toMatch(/check failed: expected "Hello, Ada!", got "Hello Ada"/);
    expect(out).toMatch(/Replaced 1 occurrence/);
    expect(out).toMatch(/check passed: Hello, Ada!/);
    expect(out).toMatch(
      /─ [\d,]+ in · [\d,]+ out · cache \d+ read \/ 0 written · \$\d+\.\d{4} · 5 model calls/,
    );
  });
});

describe("arky run", () => {
  it("explains how to configure a provider when none is, and points to the demo", async () => {
    const io = captureIo({});
    expect(await main(["run", "hello"], io)).toBe(2);
    expect(io.err()).toMatch(/no model provider is configured/);
    expect(io.err()).toMatch(/ANTHROPIC_API_KEY/);
    expect(io.err()).toMatch(/arky demo/);
  });

  it("rejects bad flags with a usage error", async () => {
    const io = captureIo({ ANTHROPIC_API_KEY: "k" });
    expect(await main(["run", "--output", "yaml", "hi"], io)).toBe(2);
    expect(io.err()).toMatch(/--output must be text, json or stream-json/);
    expect(await main(["run", "--bogus", "hi"], io)).toBe(2);
    expect(await main(["frobnicate"], io)).toBe(2);
  });

  it("runs a turn against an Anthropic-compatible endpoint and prints text, json or stream-json", async () => {
    server = await startScriptedModelServer({
      script: [textReply("plain answer"), textReply("json answer"), textReply("streamed")],
    });
    const env = { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: server.baseUrl };

    const text = captureIo(env);
    expect(await main(["run", "--tools", "none", "hello"], text)).toBe(0);
    expect(text.out()).toMatch(/^plain answer\n─ /);

    const json = captureIo(env);
    expect(await main(["run", "-o", "json", "hello"], json)).toBe(0);
    const result = JSON.parse(json.out());
    expect(result).toMatchObject({ text: "json answer", stopReason: { unified: "end-turn" } });

    const stream = captureIo(env);
    expect(await main(["run", "--output=stream-json", "hello"], stream)).toBe(0);
    const types = stream
      .out()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l).type);
    expect(types[0]).toBe("session-start");
    expect(types.at(-1)).toBe("turn-end");
    // The key travels in a header (the SDK's choice of x-api-key or a bearer token), never in the body.
    for (const r of server.requests) {
      expect(r.headers["x-api-key"] ?? r.headers.authorization?.replace(/^Bearer /, "")).toBe("test-key");
      expect(JSON.stringify(r.body)).not.toContain("test-key");
    }
  });

  it("exits 1 with the classified error when the API refuses the key", async () => {
    server = await startScriptedModelServer({ script: [{ kind: "http-error", status: 401 }] });
    const io = captureIo({ ANTHROPIC_API_KEY: "bad", ANTHROPIC_BASE_URL: server.baseUrl });
    expect(await main(["run", "hello"], io)).toBe(1);
    expect(io.out()).toMatch(/error \[authentication\]/);
  });
});

describe("the built bin", () => {
  const bin = join(process.cwd(), "dist/cli/bin.js");
  it.skipIf(!existsSync(bin))(
    "prints its version and help (skipped when dist/ is not built: run npm run build)",
    async () => {
      const run = promisify(execFile);
      const { stdout } = await run(process.execPath, [bin, "--version"]);
      expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
      const help = await run(process.execPath, [bin, "help"]);
      expect(help.stdout).toMatch(/arky demo/);
    },
  );
});
