// Compiled by `tsc --noEmit` (test/ is in tsconfig.json), never run: the MCP config types are
// what users write, zod's input side, so the documented-optional fields may be left out.
import {
  connectMcpServers,
  type McpConfigFile,
  type McpHttpServerConfig,
  type McpServerConfig,
  type McpServersConfig,
  type McpStdioServerConfig,
} from "../../src/mcp/index.js";

const stdio: McpStdioServerConfig = { command: "x" };
const http: McpHttpServerConfig = { url: "https://example.test/mcp" };
const servers: McpServersConfig = {
  a: stdio,
  b: http,
  c: { command: "y", args: ["-v"] },
  d: { type: "sse", url: "http://h/sse" },
};
const entry: McpServerConfig = { command: "x", cwd: "/tmp" };
const file: McpConfigFile = { mcpServers: { files: { command: "npx" } } };

export async function typeCheckOnly(): Promise<void> {
  await connectMcpServers({ files: { command: "npx" }, docs: { url: "https://example.test/mcp" } });
  await connectMcpServers({ mcpServers: { files: { command: "npx" } } });
  await connectMcpServers(file);
  await connectMcpServers(servers);
  void entry;
  // @ts-expect-error a stdio entry needs its command
  const noCommand: McpStdioServerConfig = { args: [] };
  // @ts-expect-error env values are strings
  const badEnv: McpStdioServerConfig = { command: "x", env: { N: 1 } };
  void noCommand;
  void badEnv;
}
