import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Agent } from "../../src/core/index.js";
import type { AgentEvent } from "../../src/protocol/index.js";
import { type ClaudeCodeRuntime, claudeCode } from "../../src/providers/claude-code/index.js";
import { isAlive } from "../process/helpers.js";

// A CLI that goes silent mid-turn ends the turn with a classified `timeout` after
// `idleTimeoutMs` (short here) and is stopped; a `result` before `system init` is `protocol`.

const FAKE = fileURLToPath(new URL("./fixtures/fake-claude.mjs", import.meta.url));
const runtimes: ClaudeCodeRuntime[] = [];
afterAll(() => Promise.all(runtimes.map((r) => r.close())));

async function turn(mode: string): Promise<{ events: AgentEvent[]; pid: number | undefined; ms: number }> {
  const runtime = claudeCode({
    executable: FAKE,
    env: { FAKE_CLAUDE_MODE: mode },
    idleTimeoutMs: 800,
    graceMs: 200,
  });
  runtimes.push(runtime);
  const agent = new Agent({ runtime });
  const events: AgentEvent[] = [];
  const started = Date.now();
  let pid: number | undefined;
  for await (const event of agent.stream("hello")) {
    pid ??= runtime.pidOf(agent.sessionId);
    events.push(event);
  }
  return { events, pid, ms: Date.now() - started };
}

describe("a silent Claude Code CLI", () => {
  it.each(["silent", "stdout-closed", "stderr-only", "long-line"])(
    "%s: the turn ends with timeout and the process is stopped",
    async (mode) => {
      const { events, pid, ms } = await turn(mode);
      const fatal = events.find((e) => e.type === "error" && e.fatal);
      expect(fatal).toMatchObject({ error: { code: "timeout", details: { idleTimeoutMs: 800 } } });
      expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "error" } });
      expect(events.filter((e) => e.type === "turn-end")).toHaveLength(1);
      expect(ms).toBeLessThan(8000);
      if (mode === "long-line")
        expect(events.some((e) => e.type === "error" && !e.fatal && e.error.code === "protocol")).toBe(true);
      if (pid !== undefined) await expect.poll(() => isAlive(pid), { timeout: 3000 }).toBe(false);
    },
    20_000,
  );
});

describe("a result before system init", () => {
  it("ends the turn with a protocol error, not a success with empty text", async () => {
    const { events } = await turn("result-first");
    const fatal = events.find((e) => e.type === "error" && e.fatal);
    expect(fatal).toMatchObject({
      error: { code: "protocol", message: expect.stringContaining("system init") },
    });
    expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "error" } });
  });
});
