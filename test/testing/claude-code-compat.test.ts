import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { type ScriptedModelServer, startScriptedModelServer } from "../../src/testing/index.js";

let server: ScriptedModelServer | undefined;
let home: string | undefined;
afterEach(async () => {
  await server?.close();
  if (home) rmSync(home, { recursive: true, force: true });
  server = undefined;
  home = undefined;
});

const CLAUDE = join(process.cwd(), "node_modules/.bin/claude");

/** Runs `claude -p` against the server; returns its stream-json lines. */
async function runClaude(baseUrl: string, prompt: string): Promise<Array<Record<string, unknown>>> {
  home = mkdtempSync(join(tmpdir(), "arky-cc-"));
  const child = spawn(
    CLAUDE,
    ["-p", prompt, "--output-format", "stream-json", "--verbose", "--allowedTools", "Bash"],
    {
      cwd: home,
      // An allowlisted environment: nothing of the test process leaks into the CLI.
      env: {
        PATH: process.env.PATH ?? "",
        HOME: home,
        ANTHROPIC_BASE_URL: baseUrl,
        ANTHROPIC_API_KEY: "sk-scripted",
        CLAUDE_CODE_MAX_RETRIES: "0",
        CLAUDE_CODE_TMPDIR: home,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.resume();
  const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), 45_000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearTimeout(timer);
  expect(code).toBe(0);
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

it("the real Claude Code CLI runs a thinking + tool-use turn against the scripted server", async () => {
  server = await startScriptedModelServer({
    script: [
      {
        content: [
          { type: "thinking", thinking: "I should run it.", signature: "c2ln" },
          { type: "text", text: "Running." },
          {
            type: "tool-use",
            id: "toolu_cc1",
            name: "Bash",
            input: { command: "echo scripted-hi", description: "Say hi" },
          },
        ],
      },
      { content: [{ type: "text", text: "All done." }] },
    ],
  });
  const lines = await runClaude(server.baseUrl, "say hi");
  const result = lines.find((l) => l.type === "result");
  expect(result).toMatchObject({ is_error: false, result: "All done." });
  const toolResult = lines
    .filter((l) => l.type === "user")
    .flatMap((l) => (l.message as { content: Array<Record<string, unknown>> }).content)
    .find((b) => b.type === "tool_result");
  expect(toolResult).toMatchObject({ tool_use_id: "toolu_cc1", is_error: false });
  expect(String(toolResult?.content)).toContain("scripted-hi");
  // The second model call carried the tool result back.
  expect(JSON.stringify(server.requests[1]?.body)).toContain("toolu_cc1");
  expect(server.requests.every((r) => r.api === "anthropic-messages" && r.stream)).toBe(true);
  server.assertDone();
});
