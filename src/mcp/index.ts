/**
 * `arky/mcp`: use MCP servers' tools, resources and prompts from Arky, and offer any
 * Arky tool registry as an MCP server.
 */
export { McpClient, type McpClientOptions, type McpRequestOptions } from "./client.js";
export {
  isStdioServer,
  loadMcpConfig,
  type McpConfigFile,
  type McpConfigOptions,
  type McpHttpServerConfig,
  type McpServerConfig,
  type McpServersConfig,
  type McpStdioServerConfig,
  parseMcpConfig,
  type ResolvedMcpServerConfig,
} from "./config.js";
export type { McpHttpOptions } from "./http-server.js";
export { createMcpServer, type McpServerInfo, type McpToolCall, type McpToolHost } from "./mcp-server.js";
export { type ServeMcpOptions, type ServingMcp, serveMcp } from "./serve.js";
export { type ConnectMcpServersOptions, connectMcpServers, type McpServers } from "./servers.js";
export { mcpToolsAsArkyTools } from "./tool-adapter.js";
