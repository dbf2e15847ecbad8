import type { ImageBlock, TextBlock } from "../protocol/index.js";

/** A JSON Schema object describing a tool's input (always `type: "object"` at the top). */
export type JsonSchema = { type: "object"; [key: string]: unknown };

/** Content a tool result may carry. */
export type ToolResultContent = Array<TextBlock | ImageBlock>;

/** A structured tool result. `isError` results are shown to the model as failures. */
export interface ToolResult {
  content: ToolResultContent;
  isError?: boolean;
}

/** What `execute` may return: a string, content blocks, or a structured result. */
export type ToolOutput = string | ToolResultContent | ToolResult;

/** What a tool's `execute` receives besides its input. */
export interface ToolExecuteContext {
  /** Aborted when the run is cancelled or the tool's timeout elapses. Honour it. */
  signal: AbortSignal;
  /** The model's id for this call. */
  toolCallId: string;
  /** Reports progress; each call becomes a `tool-execution-update` event. */
  onUpdate: (update: unknown) => void;
}

/**
 * A tool as the registry and runtimes see it, whatever defined it (a zod `tool()`, an
 * MCP server's tool with a raw JSON Schema, a built-in).
 */
export interface Tool {
  /** Canonical name: letters, digits, `_`, `-`, and `/` for namespaces (`mcp/server/tool`). */
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the input, sent to the model. */
  readonly inputSchema: JsonSchema;
  /** True when the tool changes nothing outside itself; the permission layer reads this. */
  readonly readOnly: boolean;
  /** True when the tool may run at the same time as other tool calls of the same model message. */
  readonly concurrencySafe: boolean;
  /** Per-call timeout in milliseconds; undefined means the registry's default. */
  readonly timeoutMs: number | undefined;
  /**
   * The folder the tool works in, when it works in one (the built-in coding tools): an
   * Agent without its own `cwd` takes it as its working folder, the base of its permission rules.
   */
  readonly cwd?: string;
  /**
   * Validates model-supplied input. A failure message is sent back to the model as an
   * error result so it can correct itself.
   */
  parse(input: unknown): { ok: true; value: unknown } | { ok: false; message: string };
  /** Runs the tool on validated input. May throw; the executor turns that into an error result. */
  execute(input: unknown, context: ToolExecuteContext): Promise<ToolOutput> | ToolOutput;
}
