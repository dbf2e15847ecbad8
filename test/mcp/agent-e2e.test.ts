import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Agent, native } from "../../src/core/index.js";
import { connectMcpServers, type McpServers } from "../../src/mcp/index.js";
import { anthropic } from "../../src/providers/anthropic/index.js";
import type { RecordedRequest, ScriptStep } from "../../src/testing/index.js";
import { textReply } from "../../src/testing/index.js";
import { lastToolResults, resultText, runtimeFor, startServer } from "../claude-code/harness.js";
import { bin, nodeFixture } from "./helpers.js";

// An agent on a scripted model calls a tool of a real MCP server (server-everything over
// stdio) imported with connectMcpServers, on the native runtime and on Claude Code.

let harness: Awaited<ReturnType<typeof startServer>>;
let mcp: McpServers;

beforeAll(async () => {
  harness = await startServer();
  mcp = await connectMcpServers({ everything: { command: bin("mcp-server-everything"), args: [], env: {} } });
});

afterAll(async () => {
  await mcp?.close();
  await harness?.server.close();
});

/** Asks for get-sum under `wireName`, then repeats the tool's answer. */
function callThenReport(wireName: string) {
  return (request: RecordedRequest): ScriptStep => {
    const results = lastToolResults(request);
    if (results.length > 0) return textReply(`tool said: ${resultText(results[0]!.content)}`);
    return { content: [{ type: "tool-use", id: "toolu_mcp_1", name: wireName, input: { a: 2, b: 40 } }] };
  };
}

describe("an agent calls an MCP tool end to end", () => {
  it("on the native runtime", async () => {
    harness.answer(callThenReport("mcp__everything__get-sum"));
    const agent = new Agent({
      runtime: native(
        anthropic({ model: "claude-test", apiKey: "sk-test", baseURL: harness.server.baseUrl }),
      ),
      tools: mcp.tools,
    });
    try {
      const result = await agent.prompt("add 2 and 40");
      expect(result.text).toBe("tool said: The sum of 2 and 40 is 42.");
      const sentTools = JSON.stringify((harness.modelCalls().at(-1)!.body as { tools?: unknown }).tools);
      expect(sentTools).toContain("mcp__everything__get-sum");
    } finally {
      await agent.close();
    }
  });

  it("on Claude Code (the real CLI, tools bridged through the SDK MCP server)", async () => {
    harness.answer(callThenReport("mcp__arky__mcp__everything__get-sum"));
    const runtime = runtimeFor(harness.server.baseUrl);
    const agent = new Agent({ runtime, tools: mcp.tools });
    try {
      const events = [];
      for await (const event of agent.stream("add 2 and 40")) events.push(event);
      const end = events.find((e) => e.type === "tool-execution-end");
      expect(end).toMatchObject({ toolName: "mcp/everything/get-sum" });
      expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
      const final = events.findLast((e) => e.type === "message-end");
      expect(JSON.stringify(final)).toContain("tool said: The sum of 2 and 40 is 42.");
    } finally {
      await agent.close();
      await runtime.close();
    }
  }, 60_000);

  it("a server that dies mid-call gives the model an error result and the turn goes on", async () => {
    const broken = await connectMcpServers({ bad: nodeFixture("misbehaving-server.mjs") });
    harness.answer((request) => {
      const results = lastToolResults(request);
      if (results.length > 0)
        return textReply(`error=${results[0]!.is_error === true}: ${resultText(results[0]!.content)}`);
      return { content: [{ type: "tool-use", id: "toolu_die", name: "mcp__bad__die", input: {} }] };
    });
    const agent = new Agent({
      runtime: native(
        anthropic({ model: "claude-test", apiKey: "sk-test", baseURL: harness.server.baseUrl }),
      ),
      tools: broken.tools,
      permissions: { mode: "bypass" },
    });
    try {
      const events = [];
      for await (const event of agent.stream("call die")) events.push(event);
      const end = events.find((e) => e.type === "tool-execution-end");
      expect(end).toMatchObject({ toolName: "mcp/bad/die", error: { code: "tool-execution" } });
      expect(events.at(-1)).toMatchObject({ type: "turn-end", stopReason: { unified: "end-turn" } });
      const final = events.findLast((e) => e.type === "message-end");
      expect(JSON.stringify(final)).toContain('error=true: MCP server \\"bad\\" (tool die) failed');
    } finally {
      await agent.close();
      await broken.close();
    }
  });
});
