import { createMcpServer } from "../../mcp/mcp-server.js";
import { ReplyTransport } from "../../mcp/reply-transport.js";
import { newId, type ToolResultBlock } from "../../protocol/index.js";
import type { ToolCall, ToolRegistry } from "../../tools/index.js";

/** Runs one of Arky's tools the CLI called, in the running turn. */
export type ArkyToolRunner = (call: ToolCall, signal: AbortSignal) => Promise<ToolResultBlock>;

const NO_TURN: ToolResultBlock["content"] = [{ type: "text", text: "No Arky turn is running." }];

/** The MCP SDK side of {@link ArkyMcpEndpoint}: the shared server factory over a {@link ReplyTransport}. */
export class ArkyMcpServer {
  readonly #transport = new ReplyTransport();

  private constructor() {}

  static async start(
    info: { name: string; version: string },
    registry: () => ToolRegistry | undefined,
    runner: () => ArkyToolRunner | undefined,
  ): Promise<ArkyMcpServer> {
    const endpoint = new ArkyMcpServer();
    const server = createMcpServer(
      {
        tools: () => registry()?.list() ?? [],
        call: async ({ tool, input, meta }, { signal }) => {
          const id = meta["claudecode/toolUseId"];
          const toolCallId = typeof id === "string" ? id : newId("toolu");
          const run = runner();
          if (!run) return { type: "tool-result", toolUseId: toolCallId, content: NO_TURN, isError: true };
          return run({ id: toolCallId, name: tool.name, input }, signal);
        },
      },
      info,
    );
    await server.connect(endpoint.#transport);
    return endpoint;
  }

  deliver(message: unknown, signal: AbortSignal) {
    return this.#transport.deliver(message, signal);
  }
}
