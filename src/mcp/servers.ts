import type { ArkyError } from "../protocol/index.js";
import { toArkyError } from "../protocol/index.js";
import type { Tool } from "../tools/index.js";
import { McpClient, type McpClientOptions } from "./client.js";
import { isMcpConfigFile, type McpConfigFile, type McpServersConfig, parseMcpConfig } from "./config.js";

/** Options of {@link connectMcpServers}. */
export interface ConnectMcpServersOptions extends Omit<McpClientOptions, "name" | "config" | "onStderr"> {
  signal?: AbortSignal;
  /** Receives each stdio server's stderr lines. */
  onStderr?: (server: string, line: string) => void;
}

/** A set of connected MCP servers and the Arky tools they offer. */
export interface McpServers {
  /** One client per configured server, by name. */
  clients: Map<string, McpClient>;
  /** Every tool of every server that connected, as `mcp/<server>/<tool>`. */
  tools: Tool[];
  /** Servers that could not be connected or listed; their tools are missing from `tools`. */
  failures: Array<{ server: string; error: ArkyError }>;
  /** Closes every connection. */
  close(): Promise<void>;
}

/**
 * Connects to every configured server in parallel and lists their tools. A server that
 * fails is reported in `failures` instead of failing the others; an invalid entry throws a
 * `configuration` ArkyError before any server starts. `config` is the servers by name, or a
 * whole `.mcp.json` document (`{ mcpServers: { … } }`, read as {@link parseMcpConfig} reads
 * it: `${VAR}` references are expanded).
 *
 * @example
 * const mcp = await connectMcpServers(await loadMcpConfig(".mcp.json"));
 * const registry = new ToolRegistry([...builtins, ...mcp.tools]);
 * await connectMcpServers({ files: { command: "npx", args: ["-y", "@modelcontextprotocol/server-filesystem", "."] } });
 */
export async function connectMcpServers(
  config: McpServersConfig | McpConfigFile,
  options: ConnectMcpServersOptions = {},
): Promise<McpServers> {
  const { signal, onStderr, ...clientOptions } = options;
  const servers = isMcpConfigFile(config)
    ? parseMcpConfig(config, { source: "connectMcpServers({ mcpServers })" })
    : config;
  const clients = new Map<string, McpClient>();
  for (const [name, server] of Object.entries(servers)) {
    clients.set(
      name,
      new McpClient({ ...clientOptions, name, config: server, onStderr: (line) => onStderr?.(name, line) }),
    );
  }
  const tools: Tool[] = [];
  const failures: McpServers["failures"] = [];
  const listed = await Promise.all(
    [...clients].map(async ([name, client]) => {
      try {
        return await client.tools({ signal });
      } catch (error) {
        failures.push({ server: name, error: toArkyError(error) });
        return [];
      }
    }),
  );
  for (const list of listed) tools.push(...list);
  return {
    clients,
    tools,
    failures,
    close: async () => {
      await Promise.all([...clients.values()].map((c) => c.close()));
    },
  };
}
