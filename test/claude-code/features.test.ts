import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent } from "../../src/core/index.js";
import type { AgentEvent } from "../../src/protocol/index.js";
import type { ClaudeCodeRuntime } from "../../src/providers/claude-code/index.js";
import { textReply } from "../../src/testing/index.js";
import { lastToolResults, resultText, runtimeFor, startServer } from "./harness.js";

let harness: Awaited<ReturnType<typeof startServer>>;
let runtime: ClaudeCodeRuntime;
let agent: Agent;

beforeAll(async () => {
  harness = await startServer();
  runtime = runtimeFor(harness.server.baseUrl, {
    systemPrompt: { append: "ARKY-APPENDED-INSTRUCTIONS" },
    agents: {
      reviewer: {
        description: "Reviews code",
        prompt: "REVIEWER-SYSTEM-PROMPT: you review code.",
        tools: ["Bash"],
      },
    },
    mcpServers: { memory: { command: resolve("node_modules/.bin/mcp-server-memory"), args: [] } },
  });
  agent = new Agent({ runtime, permissions: { mode: "bypass" } });
});

afterAll(async () => {
  await agent?.close();
  await runtime?.close();
  await harness?.server.close();
});

describe("ClaudeCodeRuntime options and sub-agents (real claude CLI)", () => {
  it("appends to the system prompt and connects external MCP servers", async () => {
    harness.answer(() => textReply("configured"));
    await agent.prompt("hello");
    const sent = JSON.stringify(harness.modelCalls().at(-1)!.body);
    expect(sent).toContain("ARKY-APPENDED-INSTRUCTIONS");
    expect(sent).toContain("mcp__memory__");
  });

  it("attributes a sub-agent's work to the tool call that started it", async () => {
    harness.answer((request) => {
      const body = JSON.stringify(request.body);
      const results = lastToolResults(request);
      if (body.includes("REVIEWER-SYSTEM-PROMPT")) {
        if (results.length > 0) return textReply("review done");
        return {
          content: [
            {
              type: "tool-use",
              id: "toolu_inner_1",
              name: "Bash",
              input: { command: "echo inner", description: "inner" },
            },
          ],
        };
      }
      if (results.length > 0) return textReply(`main saw: ${resultText(results[0]!.content)}`);
      return {
        content: [
          {
            type: "tool-use",
            id: "toolu_outer_1",
            name: "Agent",
            input: {
              description: "review",
              prompt: "review the code",
              subagent_type: "reviewer",
              run_in_background: false,
            },
          },
        ],
      };
    });
    const events: AgentEvent[] = [];
    for await (const event of agent.stream("please get a review")) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
    const outer = events.filter((e) => e.type === "tool-execution-end" && e.toolCallId === "toolu_outer_1");
    expect(outer).toHaveLength(1);
    const inner = events.filter((e) => "toolCallId" in e && e.toolCallId === "toolu_inner_1");
    expect(inner.map((e) => e.type)).toEqual(
      expect.arrayContaining(["tool-execution-start", "tool-execution-end"]),
    );
    expect(inner.every((e) => e.parentToolCallId === "toolu_outer_1")).toBe(true);
    const final = events.findLast((e) => e.type === "message-end");
    expect(final?.type === "message-end" && JSON.stringify(final.message)).toContain("main saw:");
  });
});
