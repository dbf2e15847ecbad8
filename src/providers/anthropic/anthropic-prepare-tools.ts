import type Anthropic from "@anthropic-ai/sdk";
import type { ToolSpec } from "../../tools/index.js";

/**
 * Tool names in both directions. Arky names may hold `/` (`mcp/server/tool`), which
 * the API rejects (`^[a-zA-Z0-9_-]+$`), so `/` travels as `__` and is mapped back.
 */
export class AnthropicToolNames {
  readonly #toArky = new Map<string, string>();

  /** The wire name of an Arky tool name (remembered for the way back). */
  toWire(name: string): string {
    const wire = name.replaceAll("/", "__");
    this.#toArky.set(wire, name);
    return wire;
  }

  /** The Arky name of a wire name; names never sent are returned unchanged. */
  toArky(wire: string): string {
    return this.#toArky.get(wire) ?? wire;
  }
}

/** Converts Arky tool specs into Messages API tool definitions. */
export function prepareAnthropicTools(
  tools: readonly ToolSpec[],
  names: AnthropicToolNames,
): Anthropic.Tool[] {
  return tools.map((tool) => ({
    name: names.toWire(tool.name),
    description: tool.description,
    input_schema: tool.inputSchema as Anthropic.Tool.InputSchema,
  }));
}
