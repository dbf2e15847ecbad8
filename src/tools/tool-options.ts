import { ArkyError } from "../protocol/index.js";

// Checks of what a user hands `tool()`, naming the fix: other SDKs' names for its options
// (the AI SDK's `inputSchema`, the Claude Agent SDK's positional `tool(name, …)`) included.

const TOOL_OPTIONS = ["name", "description", "input", "execute", "readOnly", "concurrencySafe", "timeoutMs"];

/** Options of other SDKs' tool helpers, and what `tool()` calls them. */
const FOREIGN_TOOL_OPTIONS: Record<string, string> = {
  inputSchema: "input",
  parameters: "input",
  schema: "input",
  handler: "execute",
  run: "execute",
};

const SHAPE = "tool({ name, description, input: z.object({...}), execute })";

/** Throws a `configuration` ArkyError naming the fix unless `options` has the shape `tool()` takes. */
export function assertToolOptions(options: unknown): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    const positional =
      typeof options === "string"
        ? " (the Claude Agent SDK's tool(name, description, schema, handler) is positional; Arky's is not)"
        : "";
    throw configuration(`tool() takes one options object: ${SHAPE}${positional}.`);
  }
  const record = options as Record<string, unknown>;
  const named = typeof record.name === "string" ? ` "${record.name}"` : "";
  for (const [key, value] of Object.entries(record)) {
    if (TOOL_OPTIONS.includes(key) || value === undefined) continue;
    const arky = FOREIGN_TOOL_OPTIONS[key];
    throw configuration(
      arky
        ? `tool()${named} has no option "${key}": Arky calls it \`${arky}\`.`
        : `tool()${named} has no option "${key}".`,
      `The options of tool() are ${TOOL_OPTIONS.join(", ")}.`,
    );
  }
  if (record.name === undefined) {
    throw configuration(
      `tool() needs a \`name\`: ${SHAPE}.`,
      "An Arky tool carries its own name (the AI SDK takes it from the key of a tools object).",
    );
  }
  if (typeof record.description !== "string") {
    throw configuration(
      `tool()${named} needs a \`description\` string: the model reads it to know when to call the tool.`,
    );
  }
  if (typeof record.execute !== "function") {
    throw configuration(`tool()${named} needs an \`execute\` function: ${SHAPE}.`);
  }
  if (record.input === undefined) {
    throw configuration(
      `tool()${named} needs an \`input\` zod schema, e.g. input: z.object({ city: z.string() }).`,
    );
  }
}

function configuration(message: string, correction?: string): ArkyError {
  return new ArkyError({ code: "configuration", message, correction });
}
