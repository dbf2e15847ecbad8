import { randomBytes, timingSafeEqual } from "node:crypto";
import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import type { ToolResultBlock } from "../../protocol/index.js";
import type { Tool } from "../../tools/index.js";

/** The MCP server name Codex knows Arky's tools by (`mcp__arky__<tool>` for the model). */
export const BRIDGE_SERVER_NAME = "arky";
/** The variable that carries the bridge's bearer token into the Codex process. */
export const BRIDGE_TOKEN_ENV = "ARKY_CODEX_BRIDGE_TOKEN";

/** A tool call Codex made through the bridge. */
export interface BridgeCall {
  /** The session key from the URL the thread was configured with. */
  sessionKey: string;
  /** Arky's tool name. */
  toolName: string;
  input: unknown;
  /** Codex's call id (the `mcpToolCall` item id), when Codex sent it in `_meta`. */
  callId: string | undefined;
  threadId: string | undefined;
  /** Aborted when Codex drops the HTTP request. */
  signal: AbortSignal;
}

/** Options of {@link CodexToolBridge.start}. */
export interface CodexToolBridgeOptions {
  /** The tools of a session (undefined: unknown session). */
  listTools(sessionKey: string): readonly Tool[] | undefined;
  /** Runs a call in the host; resolves with the result the model sees. Must not throw. */
  callTool(call: BridgeCall): Promise<ToolResultBlock>;
}

/** MCP tool names allow fewer characters than Arky's (`mcp/server/tool`). */
export function mcpToolName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, "_");
}

/**
 * Arky's tools as an MCP server Codex connects to: Streamable HTTP on 127.0.0.1 (port 0),
 * stateless, one path per session (`/mcp/<sessionKey>`), every request checked against a
 * per-process random bearer token that only the Codex child receives (in its environment).
 * Calls run in the host through {@link CodexToolBridgeOptions.callTool}.
 */
export class CodexToolBridge {
  readonly token = randomBytes(24).toString("hex");
  readonly #server: HttpServer;
  readonly #options: CodexToolBridgeOptions;
  #port = 0;

  private constructor(options: CodexToolBridgeOptions) {
    this.#options = options;
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  static async start(options: CodexToolBridgeOptions): Promise<CodexToolBridge> {
    const bridge = new CodexToolBridge(options);
    await new Promise<void>((resolve, reject) => {
      bridge.#server.once("error", reject);
      bridge.#server.listen(0, "127.0.0.1", () => resolve());
    });
    bridge.#port = (bridge.#server.address() as AddressInfo).port;
    return bridge;
  }

  /** The URL a session's thread is configured with. */
  url(sessionKey: string): string {
    return `http://127.0.0.1:${this.#port}/mcp/${encodeURIComponent(sessionKey)}`;
  }

  /** The `mcp_servers.arky` table for a thread's `config`. */
  threadConfig(sessionKey: string): Record<string, unknown> {
    return {
      [BRIDGE_SERVER_NAME]: {
        url: this.url(sessionKey),
        bearer_token_env_var: BRIDGE_TOKEN_ENV,
        // Arky's guard decides on every call in the host, so Codex must not ask again.
        default_tools_approval_mode: "approve",
        tool_timeout_sec: 3600,
      },
    };
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #authorized(req: IncomingMessage): boolean {
    const expected = Buffer.from(`Bearer ${this.token}`);
    const given = Buffer.from(req.headers.authorization ?? "");
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/mcp\/([^/?]+)/.exec(req.url ?? "");
    const sessionKey = match ? decodeURIComponent(match[1]!) : undefined;
    if (!this.#authorized(req)) return void res.writeHead(401).end();
    const tools = sessionKey === undefined ? undefined : this.#options.listTools(sessionKey);
    if (sessionKey === undefined || !tools) return void res.writeHead(404).end();
    const controller = new AbortController();
    res.once("close", () => controller.abort());
    try {
      const server = this.#mcpServer(sessionKey, tools, controller.signal);
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } catch {
      // A broken request (bad JSON, client gone): the transport has answered or the socket is closed.
      if (!res.headersSent) res.writeHead(500).end();
    }
  }

  #mcpServer(sessionKey: string, tools: readonly Tool[], signal: AbortSignal): Server {
    const byName = new Map(tools.map((tool) => [mcpToolName(tool.name), tool]));
    const server = new Server(
      { name: BRIDGE_SERVER_NAME, version: "0.1.0" },
      { capabilities: { tools: {} } },
    );
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: [...byName].map(([name, tool]) => ({
        name,
        description: tool.description,
        inputSchema: tool.inputSchema,
        annotations: { readOnlyHint: tool.readOnly },
      })),
    }));
    server.setRequestHandler(CallToolRequestSchema, async (request) => {
      const tool = byName.get(request.params.name);
      const meta = (request.params._meta ?? {}) as Record<string, unknown>;
      const result = await this.#options.callTool({
        sessionKey,
        toolName: tool?.name ?? request.params.name,
        input: request.params.arguments ?? {},
        callId: typeof meta.callId === "string" ? meta.callId : undefined,
        threadId: typeof meta.threadId === "string" ? meta.threadId : undefined,
        signal,
      });
      return {
        content: result.content.map((block) =>
          block.type === "text"
            ? { type: "text" as const, text: block.text }
            : block.source.type === "base64"
              ? { type: "image" as const, data: block.source.data, mimeType: block.source.mediaType }
              : { type: "text" as const, text: block.source.url },
        ),
        isError: result.isError ?? false,
      };
    });
    return server;
  }
}
