import type { Tool } from "../tools/index.js";

/**
 * An Arky tool name as an MCP tool name, the one rule every MCP server of Arky's tools
 * uses: `/` becomes `__` (`mcp/files/read` → `mcp__files__read`), any other character
 * outside `[A-Za-z0-9_-]` becomes `_`. Calls are matched back by escaping the registry's names.
 */
export function toMcpToolName(name: string): string {
  return name.replaceAll("/", "__").replace(/[^A-Za-z0-9_-]/g, "_");
}

/** Tools as MCP `tools/list` entries (also sent ahead as manifests, so kept free of the MCP SDK). */
export function mcpToolList(tools: readonly Tool[]) {
  return tools.map((tool) => ({
    name: toMcpToolName(tool.name),
    description: tool.description,
    inputSchema: tool.inputSchema,
    annotations: { readOnlyHint: tool.readOnly },
  }));
}
