import type { Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import type { JsonSchema, Tool } from "../tools/index.js";
import type { McpClient } from "./client.js";

const MAX_NAME = 128;

/** A server or tool name with characters outside the canonical tool-name charset as `_`. */
const namePart = (part: string) => part.replace(/[^a-zA-Z0-9_.-]/g, "_") || "_";

/** The Arky name of an MCP tool: `mcp/<server>/<tool>`, sanitized and at most 128 characters. */
function mcpToolName(server: string, tool: string): string {
  return `mcp/${namePart(server)}/${namePart(tool)}`.slice(0, MAX_NAME);
}

/**
 * Wraps a server's tools as Arky tools. Names that collide after sanitizing get a
 * numeric suffix. The input must be an object; the server validates it against its
 * schema and reports problems as an error result.
 */
export function mcpToolsAsArkyTools(client: McpClient, tools: McpTool[]): Tool[] {
  const taken = new Set<string>();
  return tools.map((mcpTool) => {
    let name = mcpToolName(client.name, mcpTool.name);
    for (let n = 2; taken.has(name); n++)
      name = `${mcpToolName(client.name, mcpTool.name).slice(0, MAX_NAME - 4)}_${n}`;
    taken.add(name);
    return adapt(client, mcpTool, name);
  });
}

function adapt(client: McpClient, mcpTool: McpTool, name: string): Tool {
  const readOnly = mcpTool.annotations?.readOnlyHint === true;
  return {
    name,
    description: mcpTool.description ?? mcpTool.title ?? mcpTool.name,
    inputSchema: { ...mcpTool.inputSchema, type: "object" } as JsonSchema,
    readOnly,
    concurrencySafe: readOnly,
    // The client's own timeout fires first and is reported as tool-timeout with the server's name.
    timeoutMs: client.timeoutMs + 5000,
    parse(input) {
      if (input === undefined || input === null) return { ok: true, value: {} };
      if (typeof input !== "object" || Array.isArray(input))
        return { ok: false, message: "The input must be a JSON object." };
      return { ok: true, value: input };
    },
    execute: (input, { signal }) =>
      client.callTool(mcpTool.name, input as Record<string, unknown>, { signal }),
  };
}
