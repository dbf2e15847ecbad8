import type { ArkyError } from "../protocol/index.js";
import { toArkyError } from "../protocol/index.js";
import type { Tool } from "../tools/index.js";
import { McpClient, type McpClientOptions } from "./client.js";
import type { McpServersConfig } from "./config.js";

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
 * fails is reported in `failures` instead of failing the others.
 *
 * @example
 * const mcp = await connectMcpServers(await loadMcpConfig(".mcp.json"));
 * const registry = new ToolRegistry([...builtins, ...mcp.tools]);
 */
export async function connectMcpServers(
  config: McpServersConfig,
  options: ConnectMcpServersOptions = {},
): Promise<McpServers> {
  const { signal, onStderr, ...clientOptions } = options;
  const clients = new Map<string, McpClient>();
  for (const [name, server] of Object.entries(config)) {
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
