import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Agent } from "../../src/core/index.js";
import { textReply, toolCallReply } from "../../src/testing/index.js";
import { tool } from "../../src/tools/index.js";
import { type CodexFixture, codexFixture, codexProcesses, ofType } from "./helpers.js";

let fx: CodexFixture;
beforeAll(async () => {
  fx = await codexFixture();
  process.env.LC_SECRET = "lc-secret-value";
});
afterAll(async () => {
  delete process.env.LC_SECRET;
  await fx.cleanup();
  expect(codexProcesses(fx.home)).toEqual([]);
});

describe("Codex's shell commands see no credentials", () => {
  it("a command's environment holds neither the provider key, the bridge token nor LC_SECRET; both still work", async () => {
    const runtime = fx.runtime();
    const add = tool({
      name: "add",
      description: "Adds",
      input: z.object({ a: z.number(), b: z.number() }),
      execute: ({ a, b }) => String(a + b),
    });
    fx.server.push(
      toolCallReply("mcp__arky__add", { a: 2, b: 3 }),
      toolCallReply("exec_command", { cmd: "env > shell-env.txt" }),
      textReply("Done."),
    );
    const agent = new Agent({ runtime, tools: [add], permissions: { mode: "bypass" } });
    const events = [];
    for await (const event of agent.stream("Add, then dump the environment")) events.push(event);
    const ends = ofType(events, "tool-execution-end");
    // The bridge authenticated Codex (its token is no longer in Codex's environment).
    expect(ends[0]?.result.content).toEqual([{ type: "text", text: "5" }]);
    expect(ends[1]?.result.isError).toBeUndefined();
    // Codex authenticated to the model server with the provider key.
    for (const request of fx.server.requests)
      expect(request.headers.authorization).toBe("Bearer sk-test-key");
    const env = readFileSync(join(fx.work, "shell-env.txt"), "utf8");
    expect(env).toMatch(/^PATH=/m);
    expect(env).not.toContain("sk-test-key");
    expect(env).not.toMatch(/^ARKY_TEST_CODEX_KEY=/m);
    expect(env).not.toMatch(/^ARKY_CODEX_BRIDGE_TOKEN=/m);
    expect(env).not.toContain("lc-secret-value");
    await agent.close();
  }, 60_000);
});
