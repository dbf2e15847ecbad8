import { createMcpServer, type McpServerInfo } from "../../mcp/mcp-server.js";
import { ReplyTransport } from "../../mcp/reply-transport.js";
import { newId, type ToolResultBlock } from "../../protocol/index.js";
import type { ToolCall, ToolRegistry } from "../../tools/index.js";

/** Runs one of Arky's tools the CLI called, in the running turn. */
export type ArkyToolRunner = (call: ToolCall, signal: AbortSignal) => Promise<ToolResultBlock>;

/** The MCP SDK side of `ArkyMcpEndpoint`: the shared server factory over a {@link ReplyTransport}. */
export async function startArkyMcpServer(
  info: McpServerInfo,
  registry: () => ToolRegistry | undefined,
  runner: () => ArkyToolRunner | undefined,
): Promise<ReplyTransport> {
  const server = createMcpServer(
    {
      tools: () => registry()?.list() ?? [],
      call: async ({ tool, input, meta }, { signal }) => {
        const id = meta["claudecode/toolUseId"];
        return runner()?.(
          { id: typeof id === "string" ? id : newId("toolu"), name: tool.name, input },
          signal,
        );
      },
    },
    info,
  );
  const transport = new ReplyTransport();
  await server.connect(transport);
  return transport;
}
