import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ArkyMcpEndpoint } from "../../src/providers/claude-code/arky-mcp-bridge.js";
import type { ToolCall } from "../../src/tools/index.js";
import { ToolRegistry, tool } from "../../src/tools/index.js";

// The `arky` SDK MCP server as the CLI reaches it when it does not take the manifests:
// JSON-RPC through `mcp_message`, answered by the shared MCP server over a reply transport.

const registry = new ToolRegistry([
  tool({
    name: "files/read",
    description: "Reads a file.",
    input: z.object({ path: z.string() }),
    readOnly: true,
    execute: ({ path }) => `read ${path}`,
  }),
]);

const rpc = (id: number, method: string, params: unknown = {}) => ({ jsonrpc: "2.0", id, method, params });

describe("the arky MCP endpoint (mcp_message)", () => {
  it("handshakes, lists the tools under MCP names and runs calls in the turn", async () => {
    const calls: ToolCall[] = [];
    let running = false;
    const endpoint = new ArkyMcpEndpoint(
      () => registry,
      () =>
        running
          ? async (call) => {
              calls.push(call);
              return { type: "tool-result", toolUseId: call.id, content: [{ type: "text", text: "ran" }] };
            }
          : undefined,
    );
    const signal = new AbortController().signal;
    const init = (await endpoint.answer(
      rpc(1, "initialize", {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "claude-code", version: "2" },
      }),
      signal,
    )) as { result: { serverInfo: { name: string }; protocolVersion: string } };
    expect(init.result.serverInfo.name).toBe("arky");
    expect(init.result.protocolVersion).toBe("2025-06-18");
    expect(await endpoint.answer({ jsonrpc: "2.0", method: "notifications/initialized" }, signal)).toEqual({
      jsonrpc: "2.0",
      id: 0,
      result: {},
    });

    const list = (await endpoint.answer(rpc(2, "tools/list"), signal)) as {
      result: { tools: Array<{ name: string; annotations: unknown }> };
    };
    expect(list.result.tools.map((t) => [t.name, t.annotations])).toEqual([
      ["files__read", { readOnlyHint: true }],
    ]);

    const call = rpc(3, "tools/call", {
      name: "files__read",
      arguments: { path: "a.txt" },
      _meta: { "claudecode/toolUseId": "toolu_1" },
    });
    expect(await endpoint.answer(call, signal)).toMatchObject({
      id: 3,
      result: { content: [{ type: "text", text: "No Arky turn is running." }], isError: true },
    });
    running = true;
    expect(await endpoint.answer({ ...call, id: 4 }, signal)).toEqual({
      jsonrpc: "2.0",
      id: 4,
      result: { content: [{ type: "text", text: "ran" }] },
    });
    expect(calls).toEqual([{ id: "toolu_1", name: "files/read", input: { path: "a.txt" } }]);

    expect(await endpoint.answer(rpc(5, "tools/call", { name: "nope" }), signal)).toMatchObject({
      id: 5,
      error: { code: -32602 },
    });
    expect(await endpoint.answer({ id: 6, nonsense: true }, signal)).toMatchObject({
      id: 6,
      error: { code: -32600 },
    });
  });

  it("cancels a running call when the control request is cancelled", async () => {
    let seen: AbortSignal | undefined;
    const endpoint = new ArkyMcpEndpoint(
      () => registry,
      () => (call, signal) => {
        seen = signal;
        return new Promise((resolve) =>
          signal.addEventListener("abort", () =>
            resolve({
              type: "tool-result",
              toolUseId: call.id,
              content: [{ type: "text", text: "stopped" }],
            }),
          ),
        );
      },
    );
    const controller = new AbortController();
    const answer = endpoint.answer(
      rpc(1, "tools/call", { name: "files__read", arguments: { path: "x" } }),
      controller.signal,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen?.aborted).toBe(true);
    expect(await answer).toMatchObject({ id: 1, error: { code: -32800 } });
  });
});
