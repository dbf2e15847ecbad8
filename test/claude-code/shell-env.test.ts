import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../src/core/index.js";
import { runtimeFor, startServer, tempDir } from "./harness.js";

let harness: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  harness = await startServer();
  process.env.LC_SECRET = "lc-secret-value";
});
afterAll(async () => {
  delete process.env.LC_SECRET;
  await harness.server.close();
});

describe("Claude Code's Bash sees no credentials (real claude CLI)", () => {
  it("a command's environment holds neither the API key nor LC_SECRET; the CLI still authenticates", async () => {
    const cwd = tempDir("shell-env");
    const runtime = runtimeFor(harness.server.baseUrl, { cwd });
    const agent = new Agent({ runtime, permissions: { mode: "bypass" } });
    try {
      let step = 0;
      harness.answer(() =>
        ++step === 1
          ? { content: [{ type: "tool-use", name: "Bash", input: { command: "env > shell-env.txt" } }] }
          : { content: [{ type: "text", text: "dumped" }] },
      );
      const result = await agent.prompt("dump the environment");
      expect(result.text).toBe("dumped");
      const calls = harness.modelCalls();
      expect(calls.length).toBeGreaterThanOrEqual(2);
      for (const call of calls) expect(call.headers["x-api-key"]).toBe("sk-ant-test-key");
      const env = readFileSync(join(cwd, "shell-env.txt"), "utf8");
      expect(env).toMatch(/^PATH=/m);
      expect(env).not.toContain("sk-ant-test-key");
      expect(env).not.toContain("lc-secret-value");
    } finally {
      await agent.close();
    }
  }, 90_000);
});
