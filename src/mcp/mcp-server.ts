import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { executeToolCall, type ToolRegistry } from "../tools/index.js";
import { toMcpContent } from "./content.js";

/** Tool updates of this shape are forwarded as MCP progress notifications. */
const progressSchema = z.object({
  progress: z.number(),
  total: z.number().optional(),
  message: z.string().optional(),
});

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
 * `InvalidParams` error, as the MCP specification asks. A tool's `onUpdate({ progress,
 * total?, message? })` becomes a `notifications/progress` when the client asked for progress.
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
    const progressToken = request.params._meta?.progressToken;
    const onUpdate = (update: unknown) => {
      const progress = progressSchema.safeParse(update);
      if (progressToken === undefined || !progress.success) return;
      void extra
        .sendNotification({ method: "notifications/progress", params: { progressToken, ...progress.data } })
        .catch(() => {});
    };
    const outcome = await executeToolCall(
      registry,
      { id: `mcp_${randomUUID()}`, name, input },
      { signal: extra.signal, onUpdate },
    );
    const result: CallToolResult = { content: toMcpContent(outcome.result.content) };
    if (outcome.result.isError) result.isError = true;
    return result;
  });
  return server;
}
