import { ArkyError } from "../protocol/index.js";
import { assertTimeoutMs, assertToolName } from "./tool.js";
import type { JsonSchema, Tool } from "./types.js";

/** A tool as sent to a model: its name, description and input schema. */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: JsonSchema;
}

/** Options of a {@link ToolRegistry}. */
export interface ToolRegistryOptions {
  /** Timeout for tools that set none, in milliseconds (default 120 000). */
  defaultTimeoutMs?: number;
}

/** The set of tools an agent offers, by canonical name. Names are unique. */
export class ToolRegistry {
  readonly defaultTimeoutMs: number;
  readonly #tools = new Map<string, Tool>();

  constructor(tools: Iterable<Tool> = [], options: ToolRegistryOptions = {}) {
    assertTimeoutMs(options.defaultTimeoutMs, "the tool registry (defaultTimeoutMs)");
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 120_000;
    for (const t of tools) this.register(t);
  }

  /**
   * Adds a tool. Throws a `configuration` error on an invalid or duplicate name, an input
   * schema that is not a JSON Schema object, or an unusable timeout.
   */
  register(tool: Tool): this {
    assertToolName(tool.name);
    assertTimeoutMs(tool.timeoutMs, `tool "${tool.name}"`);
    const schema: unknown = tool.inputSchema;
    if (typeof schema !== "object" || schema === null || (schema as { type?: unknown }).type !== "object") {
      throw new ArkyError({
        code: "configuration",
        message: `The input schema of tool "${tool.name}" must be a JSON Schema with type "object".`,
      });
    }
    if (this.#tools.has(tool.name)) {
      throw new ArkyError({
        code: "configuration",
        message: `A tool named "${tool.name}" is already registered.`,
      });
    }
    this.#tools.set(tool.name, tool);
    return this;
  }

  /** Removes a tool; returns whether it was there. */
  unregister(name: string): boolean {
    return this.#tools.delete(name);
  }

  get(name: string): Tool | undefined {
    return this.#tools.get(name);
  }

  has(name: string): boolean {
    return this.#tools.has(name);
  }

  get size(): number {
    return this.#tools.size;
  }

  /** The tools in registration order. */
  list(): Tool[] {
    return [...this.#tools.values()];
  }

  /** What a model needs to know of each tool. */
  specs(): ToolSpec[] {
    return this.list().map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema }));
  }

  /** The timeout that applies to a tool. */
  timeoutFor(tool: Tool): number {
    return tool.timeoutMs ?? this.defaultTimeoutMs;
  }
}
