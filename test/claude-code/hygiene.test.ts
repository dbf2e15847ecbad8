import { readdirSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../src/core/index.js";
import type { ToolCallGuard } from "../../src/permissions/index.js";
import type { AgentEvent } from "../../src/protocol/index.js";
import type { ClaudeCodeRuntime } from "../../src/providers/claude-code/index.js";
import { textReply } from "../../src/testing/index.js";
import { claudePids, runtimeFor, startServer, tempDir } from "./harness.js";

let harness: Awaited<ReturnType<typeof startServer>>;
const configDir = tempDir("hygiene-config");
let runtime: ClaudeCodeRuntime;

beforeAll(async () => {
  harness = await startServer();
  harness.answer((request) => {
    const text = JSON.stringify(request.body);
    if (text.includes("SLOW"))
      return { content: [{ type: "text", text: "x ".repeat(40), chunks: 40 }], chunkDelayMs: 200 };
    if (text.includes("TOOL") && !text.includes("tool_result"))
      return {
        content: [{ type: "tool-use", name: "Bash", input: { command: "touch x.txt", description: "x" } }],
      };
    return textReply("ok");
  });
  runtime = runtimeFor(harness.server.baseUrl, { configDir, graceMs: 500 });
});

afterAll(async () => {
  await runtime?.close();
  await harness?.server.close();
});

/** Live processes whose command line contains `text`. */
function processesWith(text: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(text)) out.push(Number(entry));
    } catch {
      // Ended while we looked.
    }
  }
  return out;
}

/** A guard that never answers until the turn is cancelled: a permission prompt left pending. */
const stuckGuard: ToolCallGuard = {
  beforeToolCall: (_call, signal) =>
    new Promise((resolve) =>
      signal.addEventListener("abort", () => resolve({ decision: "deny", reason: "cancelled", events: [] }), {
        once: true,
      }),
    ),
  afterToolCall: async (_call, result) => ({ result, events: [] }),
};

/** Reads a turn to its end, calling `onDelta` at the first delta. */
async function untilDelta(stream: AsyncIterable<AgentEvent>, onDelta: () => void): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of stream) {
    events.push(event);
    if (event.type === "message-delta" && events.filter((e) => e.type === "message-delta").length === 1)
      onDelta();
  }
  return events;
}

describe("ClaudeCodeRuntime process hygiene (real claude CLI)", () => {
  it("leaves zero CLI processes after 20 sessions cancelled or killed in every state", async () => {
    const endings: string[] = [];
    const scenarios: Array<(i: number) => Promise<void>> = [
      // Idle after a completed turn, then closed.
      async () => {
        const agent = new Agent({ runtime });
        await agent.prompt("hello");
        await agent.close();
        endings.push("idle-closed");
      },
      // Aborted mid-stream.
      async () => {
        const agent = new Agent({ runtime });
        const controller = new AbortController();
        const events = await untilDelta(agent.stream("SLOW", { signal: controller.signal }), () =>
          controller.abort(),
        );
        const last = events.at(-1);
        endings.push(`aborted:${last?.type === "turn-end" && last.stopReason.unified}`);
        await agent.close();
      },
      // The consumer leaves mid-stream.
      async () => {
        const agent = new Agent({ runtime });
        for await (const event of agent.stream("SLOW")) if (event.type === "message-delta") break;
        endings.push("left-early");
        await agent.close();
      },
      // Closed while a permission prompt is pending.
      async () => {
        const agent = new Agent({ runtime, guard: stuckGuard });
        const controller = new AbortController();
        const running = (async () => {
          const events: AgentEvent[] = [];
          for await (const event of agent.stream("TOOL", { signal: controller.signal })) events.push(event);
          return events;
        })();
        await new Promise((r) => setTimeout(r, 1500));
        controller.abort();
        const events = await running;
        endings.push(`pending-prompt:${events.at(-1)?.type}`);
        await agent.close();
      },
      // Killed from outside mid-stream.
      async () => {
        const agent = new Agent({ runtime });
        const events = await untilDelta(agent.stream("SLOW"), () => {
          process.kill(runtime.pidOf(agent.sessionId)!, "SIGKILL");
        });
        endings.push(`killed:${events.at(-1)?.type}`);
        await agent.close();
      },
      // Session closed from another task while streaming.
      async () => {
        const agent = new Agent({ runtime });
        const events = await untilDelta(agent.stream("SLOW"), () => {
          void agent.close();
        });
        endings.push(`closed-mid-stream:${events.at(-1)?.type}`);
      },
    ];
    // Four waves of five sessions: all six states are covered, and no more than five CLIs run at once.
    for (let wave = 0; wave < 4; wave++) {
      await Promise.all(
        Array.from({ length: 5 }, (_, i) => scenarios[(wave * 5 + i) % scenarios.length]!(wave * 5 + i)),
      );
    }
    // Processes that never got a session: the warm pool.
    await runtime.prewarm(2);
    expect(runtime.idleProcesses).toBe(2);
    expect(claudePids(configDir).length).toBeGreaterThanOrEqual(2);
    await runtime.close();

    expect(endings).toHaveLength(20);
    expect(endings.filter((e) => e.startsWith("aborted:")).every((e) => e === "aborted:cancelled")).toBe(
      true,
    );
    expect(endings.filter((e) => e.includes(":")).every((e) => !e.endsWith(":undefined"))).toBe(true);
    await expect.poll(() => claudePids(configDir), { timeout: 10_000 }).toEqual([]);
  }, 300_000);

  it("closes a session while a Bash tool runs, leaving neither the CLI nor the tool's processes", async () => {
    const marker = `/tmp/arky-marker-${process.pid}-${Date.now()}`;
    const local = runtimeFor(harness.server.baseUrl, { configDir: tempDir("tool-config"), graceMs: 500 });
    const agent = new Agent({ runtime: local, permissions: { mode: "bypass" } });
    harness.answer((request) =>
      JSON.stringify(request.body).includes("tool_result")
        ? textReply("done")
        : {
            content: [
              {
                type: "tool-use",
                name: "Bash",
                input: { command: `tail -f /dev/null ${marker}`, description: "wait" },
              },
            ],
          },
    );
    try {
      const running = agent.prompt("run a long tool").catch((e: unknown) => e);
      await expect
        .poll(() => processesWith(marker).length, { timeout: 30_000, interval: 200 })
        .toBeGreaterThan(0);
      await agent.close();
      expect(await running).toMatchObject({ code: "cancelled" });
      await expect.poll(() => processesWith(marker), { timeout: 10_000 }).toEqual([]);
      expect(local.pids).toEqual([]);
    } finally {
      await local.close();
    }
  }, 120_000);

  it("claims a prewarmed process for a new session", async () => {
    harness.answer(() => textReply("ok"));
    const warm = runtimeFor(harness.server.baseUrl, { configDir: tempDir("warm-config"), graceMs: 500 });
    try {
      await warm.prewarm(1);
      const [pid] = warm.pids;
      expect(warm.idleProcesses).toBe(1);
      const agent = new Agent({ runtime: warm });
      expect((await agent.prompt("hello warm")).text).toBe("ok");
      expect(warm.idleProcesses).toBe(0);
      expect(warm.pids).toEqual([pid]);
      await agent.close();
      expect(warm.pids).toEqual([]);
    } finally {
      await warm.close();
    }
  }, 120_000);
});
