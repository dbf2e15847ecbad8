import { randomBytes } from "node:crypto";
import type { McpHttpServer } from "../../mcp/http-server.js";
import type { ToolResultBlock } from "../../protocol/index.js";
import type { Tool } from "../../tools/index.js";

/** The MCP server name Codex knows Arky's tools by (`mcp__arky__<tool>` for the model). */
export const BRIDGE_SERVER_NAME = "arky";

/** A tool call Codex made through the bridge. */
export interface BridgeCall {
  /** The session key from the URL the thread was configured with. */
  sessionKey: string;
  /** Arky's tool name. */
  toolName: string;
  input: unknown;
  /** Codex's call id (the `mcpToolCall` item id), when Codex sent it in `_meta`. */
  callId: string | undefined;
  /** Aborted when Codex cancels the call or drops its MCP session. */
  signal: AbortSignal;
}

/** Options of {@link CodexToolBridge.start}. */
export interface CodexToolBridgeOptions {
  /** The tools of a session (undefined: unknown session). */
  listTools(sessionKey: string): readonly Tool[] | undefined;
  /** Runs a call in the host; resolves with the result the model sees (undefined: no turn runs). Must not throw. */
  callTool(call: BridgeCall): Promise<ToolResultBlock | undefined>;
}

/**
 * Arky's tools as an MCP server Codex connects to: Streamable HTTP on 127.0.0.1 (port 0),
 * one path per session (`/mcp/<sessionKey>`), one MCP server per Codex MCP session, every
 * request checked against a per-process random bearer token that only the Codex child
 * receives, in the thread configuration sent over its stdin (never in an environment its
 * shell commands could read). Calls run in the host through {@link CodexToolBridgeOptions.callTool}.
 */
export class CodexToolBridge {
  private constructor(
    readonly token: string,
    readonly http: McpHttpServer,
  ) {}

  static async start(options: CodexToolBridgeOptions): Promise<CodexToolBridge> {
    // The MCP SDK and its HTTP server load with the first bridge, not with `arky/codex`.
    const [{ startMcpHttpServer }, { createMcpServer }] = await Promise.all([
      import("../../mcp/http-server.js"),
      import("../../mcp/mcp-server.js"),
    ]);
    const token = randomBytes(24).toString("hex");
    const serverFor = (sessionKey: string) => () =>
      createMcpServer(
        {
          tools: () => options.listTools(sessionKey) ?? [],
          call: ({ tool, input, meta }, { signal }) => {
            const callId = typeof meta.callId === "string" ? meta.callId : undefined;
            return options.callTool({ sessionKey, toolName: tool.name, input, callId, signal });
          },
        },
        { name: BRIDGE_SERVER_NAME, version: "0.1.0" },
      );
    const http = await startMcpHttpServer(
      (path) => {
        const match = /^\/mcp\/([^/]+)$/.exec(path);
        const sessionKey = match ? decodeURIComponent(match[1]!) : undefined;
        return sessionKey !== undefined && options.listTools(sessionKey) ? serverFor(sessionKey) : undefined;
      },
      // Calls come only within turns, which hold the app server: the bridge keeps nothing alive.
      { token, keepAlive: false },
    );
    return new CodexToolBridge(token, http);
  }

  /** The `mcp_servers.arky` table for a thread's `config`. */
  threadConfig(sessionKey: string): Record<string, unknown> {
    return {
      [BRIDGE_SERVER_NAME]: {
        url: `${this.http.origin}/mcp/${encodeURIComponent(sessionKey)}`,
        http_headers: { Authorization: `Bearer ${this.token}` },
        // Arky's guard decides on every call in the host, so Codex must not ask again.
        default_tools_approval_mode: "approve",
        tool_timeout_sec: 3600,
      },
    };
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
