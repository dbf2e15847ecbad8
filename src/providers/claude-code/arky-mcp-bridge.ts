import type { ReplyTransport } from "../../mcp/reply-transport.js";
import { toMcpToolName } from "../../mcp/tool-names.js";
import { newId, type ToolResultBlock } from "../../protocol/index.js";
import type { ToolCall, ToolRegistry } from "../../tools/index.js";

/** Runs one of Arky's tools the CLI called, in the running turn. */
export type ArkyToolRunner = (call: ToolCall, signal: AbortSignal) => Promise<ToolResultBlock>;

/** The name of the in-process MCP server that carries Arky's tools into the CLI. */
export const ARKY_MCP_SERVER = "arky";
/** Who the `arky` server says it is (manifests and live handshake alike). */
export const ARKY_MCP_INFO = { name: ARKY_MCP_SERVER, version: "0.1.0" };
const PREFIX = `mcp__${ARKY_MCP_SERVER}__`;

/** Whether a CLI tool name is one of Arky's bridged tools. */
export function isArkyToolName(cliName: string): boolean {
  return cliName.startsWith(PREFIX);
}

/** The name events show for a CLI tool name: Arky tools lose their MCP prefix. */
export function displayToolName(cliName: string, registry: ToolRegistry | undefined): string {
  if (!cliName.startsWith(PREFIX)) return cliName;
  const mcpName = cliName.slice(PREFIX.length);
  return registry?.list().find((t) => toMcpToolName(t.name) === mcpName)?.name ?? mcpName;
}

/** The `arky` server's answer to MCP `initialize`, sent ahead as a manifest (the version the CLI 2.1.x asks for). */
export const MCP_INITIALIZE_RESULT = {
  protocolVersion: "2025-11-25",
  capabilities: { tools: { listChanged: false } },
  serverInfo: ARKY_MCP_INFO,
};

/**
 * The `arky` SDK MCP server of one CLI process, reached through `mcp_message` control
 * requests. The MCP SDK server behind it loads on the first message (a tool call, or the
 * handshake when the CLI did not take the manifests), so a process without Arky tools, or
 * whose tools are never called, loads none of it.
 */
export class ArkyMcpEndpoint {
  readonly #registry: () => ToolRegistry | undefined;
  readonly #runner: () => ArkyToolRunner | undefined;
  #server: Promise<ReplyTransport> | undefined;

  /** `registry`: the tools offered now; `runner`: the running turn's, undefined between turns. */
  constructor(registry: () => ToolRegistry | undefined, runner: () => ArkyToolRunner | undefined) {
    this.#registry = registry;
    this.#runner = runner;
  }

  /** Answers one JSON-RPC message of the CLI (a notification gets an empty result, as the CLI expects). */
  async answer(message: unknown, signal: AbortSignal): Promise<unknown> {
    this.#server ??= this.#start();
    const server = await this.#server;
    return (await server.deliver(message, signal)) ?? { jsonrpc: "2.0", id: 0, result: {} };
  }

  async #start(): Promise<ReplyTransport> {
    const [{ createMcpServer }, { ReplyTransport }] = await Promise.all([
      import("../../mcp/mcp-server.js"),
      import("../../mcp/reply-transport.js"),
    ]);
    const server = createMcpServer(
      {
        tools: () => this.#registry()?.list() ?? [],
        call: async ({ tool, input, meta }, { signal }) => {
          const id = meta["claudecode/toolUseId"];
          const call = { id: typeof id === "string" ? id : newId("toolu"), name: tool.name, input };
          return this.#runner()?.(call, signal);
        },
      },
      ARKY_MCP_INFO,
    );
    const transport = new ReplyTransport();
    await server.connect(transport);
    return transport;
  }
}
