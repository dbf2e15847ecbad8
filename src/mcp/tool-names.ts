import type { Tool } from "../tools/index.js";

/**
 * An Arky tool name as an MCP tool name, the one rule every MCP server of Arky's tools
 * uses: `/` becomes `__` (`mcp/files/read` → `mcp__files__read`), any other character
 * outside `[A-Za-z0-9_-]` becomes `_`. Calls are matched back by escaping the registry's names.
 */
export function toMcpToolName(name: string): string {
  return name.replaceAll("/", "__").replace(/[^A-Za-z0-9_-]/g, "_");
}

/** The tool an MCP tool name refers to, if any. */
export function findMcpTool(tools: readonly Tool[], mcpName: string): Tool | undefined {
  return tools.find((tool) => toMcpToolName(tool.name) === mcpName);
}

/** One entry of an MCP `tools/list` result. */
export interface McpToolEntry {
  name: string;
  description: string;
  inputSchema: Tool["inputSchema"];
  annotations: { readOnlyHint: boolean };
}

/** Tools as MCP `tools/list` entries (also sent ahead as manifests, so kept free of the MCP SDK). */
export function mcpToolList(tools: readonly Tool[]): McpToolEntry[] {
  return tools.map((tool) => ({
    name: toMcpToolName(tool.name),
    description: tool.description,
    inputSchema: tool.inputSchema,
    annotations: { readOnlyHint: tool.readOnly },
  }));
}
