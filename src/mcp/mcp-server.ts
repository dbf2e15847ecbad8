import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import { executeToolCall, type ToolRegistry } from "../tools/index.js";
import { toMcpContent } from "./content.js";

/** Who the server says it is in the initialize handshake. */
export interface McpServerInfo {
  name: string;
  version: string;
}

/**
 * An MCP server (official SDK, low-level `Server`) offering a registry's tools. Each
 * call goes through {@link executeToolCall}: input validated against the tool's schema,
 * its timeout applied, the client's cancellation honoured; failures come back as
 * `isError` results the client's model can read. An unknown tool is a JSON-RPC
 * `InvalidParams` error, as the MCP specification asks.
 */
export function createMcpServer(registry: ToolRegistry, info: McpServerInfo): Server {
  const server = new Server(info, { capabilities: { tools: { listChanged: false } } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: registry.list().map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: tool.inputSchema,
      annotations: { readOnlyHint: tool.readOnly },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name, arguments: input = {} } = request.params;
    if (!registry.has(name)) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    const outcome = await executeToolCall(
      registry,
      { id: `mcp_${randomUUID()}`, name, input },
      { signal: extra.signal },
    );
    const result: CallToolResult = { content: toMcpContent(outcome.result.content) };
    if (outcome.result.isError) result.isError = true;
    return result;
  });
  return server;
}
