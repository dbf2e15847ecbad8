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
import type { ToolResultBlock } from "../protocol/index.js";
import { executeToolCall, type Tool, ToolRegistry } from "../tools/index.js";
import { toMcpContent } from "./content.js";
import { mcpToolList, toMcpToolName } from "./tool-names.js";

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

/** A `tools/call` for one of the offered tools. */
export interface McpToolCall {
  tool: Tool;
  input: unknown;
  /** The request's `_meta` (clients put their own call ids there). */
  meta: Record<string, unknown>;
}

/**
 * What an MCP server of Arky's tools offers and how it runs them. A runtime bridging the
 * tools into a CLI runs calls through its turn (guard, hooks, events); `serveMcp` runs
 * them directly.
 */
export interface McpToolHost {
  /** The tools offered, read on every request. */
  tools(): readonly Tool[];
  /**
   * Runs a call; resolves with the result the client's model sees, or undefined when
   * nothing can run it now (no Arky turn is running: the client gets an error result).
   * Must not throw.
   */
  call(
    call: McpToolCall,
    options: { signal: AbortSignal; onUpdate: (update: unknown) => void },
  ): Promise<ToolResultBlock | undefined>;
}

/** A host that runs a registry's tools directly, with no guard. */
function registryHost(registry: ToolRegistry): McpToolHost {
  return {
    tools: () => registry.list(),
    call: async ({ tool, input }, options) =>
      (await executeToolCall(registry, { id: `mcp_${randomUUID()}`, name: tool.name, input }, options))
        .result,
  };
}

/**
 * An MCP server (official SDK, low-level `Server`) offering Arky tools, the one factory
 * behind `serveMcp` and the CLI bridges. Tool names follow `toMcpToolName`; results map
 * through `toMcpContent`. Given a registry, each call goes through `executeToolCall`:
 * input validated, its timeout applied, the client's cancellation honoured; failures come
 * back as `isError` results the client's model can read. An unknown tool is a JSON-RPC
 * `InvalidParams` error, as the MCP specification asks. A tool's `onUpdate({ progress,
 * total?, message? })` becomes a `notifications/progress` when the client asked for progress.
 */
export function createMcpServer(
  tools: ToolRegistry | McpToolHost,
  info: McpServerInfo = { name: "arky", version: "0.1.0" },
): Server {
  const host = tools instanceof ToolRegistry ? registryHost(tools) : tools;
  const server = new Server(info, { capabilities: { tools: { listChanged: false } } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: mcpToolList(host.tools()) }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name, arguments: input = {}, _meta: meta = {} } = request.params;
    const tool = host.tools().find((t) => toMcpToolName(t.name) === name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    const progressToken = meta.progressToken;
    const onUpdate = (update: unknown) => {
      const progress = progressSchema.safeParse(update);
      if (progressToken === undefined || !progress.success) return;
      void extra
        .sendNotification({ method: "notifications/progress", params: { progressToken, ...progress.data } })
        // Progress is best effort: a client gone mid-call gets the result or nothing anyway.
        .catch(() => {});
    };
    const result = await host.call({ tool, input, meta }, { signal: extra.signal, onUpdate });
    if (!result) return { content: [{ type: "text", text: "No Arky turn is running." }], isError: true };
    const answer: CallToolResult = { content: toMcpContent(result.content) };
    if (result.isError) answer.isError = true;
    return answer;
  });
  return server;
}
