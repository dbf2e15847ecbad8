// Types only: the schemas' own methods do the work, so `import("arky")` loads no zod at all
// (zod's ~80 modules would double Arky's start-up; the user's code has loaded them anyway).
import type { z } from "zod";
import { ArkyError } from "../protocol/index.js";
import { assertToolOptions } from "./tool-options.js";
import type { JsonSchema, Tool, ToolExecuteContext, ToolOutput } from "./types.js";

const NAME = /^[a-zA-Z0-9_-]+(\/[a-zA-Z0-9_.-]+)*$/;

/** Options of {@link tool}. */
export interface ToolOptions<Schema extends z.ZodType> {
  /** Canonical name (letters, digits, `_`, `-`; `/` separates namespaces). At most 128 characters. */
  name: string;
  /** What the tool does and when to use it; the model reads this. */
  description: string;
  /** A zod schema of the input. Its JSON Schema is what the model sees. */
  input: Schema;
  /** Runs the tool. Receives the validated, parsed input. */
  execute: (input: z.output<Schema>, context: ToolExecuteContext) => Promise<ToolOutput> | ToolOutput;
  /** The tool changes nothing (default false). Read-only tools run in `plan` mode. */
  readOnly?: boolean;
  /** The tool may run concurrently with others of the same batch (default: `readOnly`). */
  concurrencySafe?: boolean;
  /** Per-call timeout in milliseconds (default: the registry's). */
  timeoutMs?: number;
}

const NAME_RULE =
  "A tool name is 1 to 128 letters, digits, '_' and '-', with '/' between namespaces ('.' is allowed after a '/'), e.g. 'get_weather' or 'mcp/files/read'.";

/** Throws a configuration error, saying what a name may hold, unless `name` is a valid canonical tool name. */
export function assertToolName(name: string): void {
  if (typeof name === "string" && name.length > 0 && name.length <= 128 && NAME.test(name)) return;
  const problem =
    typeof name !== "string"
      ? `A tool needs a name; got ${name === undefined ? "none" : typeof name}.`
      : name.length > 128
        ? `The tool name ${JSON.stringify(`${name.slice(0, 20)}…`)} is ${name.length} characters long.`
        : `Invalid tool name ${JSON.stringify(name)}${offending(name)}.`;
  throw new ArkyError({ code: "configuration", message: `${problem} ${NAME_RULE}`, correction: NAME_RULE });
}

/** The first character a name may not hold, if any, for the error message. */
function offending(name: string): string {
  const bad = /[^a-zA-Z0-9_./-]/.exec(name)?.[0];
  return bad === undefined ? "" : `: ${JSON.stringify(bad)} is not allowed`;
}

/** The longest timeout a timer can hold (about 24.8 days); longer ones would fire at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** Throws a configuration error unless `value` is a usable timeout in milliseconds (or undefined). */
export function assertTimeoutMs(value: number | undefined, what: string): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw new ArkyError({
      code: "configuration",
      message: `The timeout of ${what} is ${value}; it must be more than 0 and at most ${MAX_TIMEOUT_MS} ms.`,
      correction: "Pass a positive number of milliseconds, or leave it out for the default.",
    });
  }
}

/**
 * Defines a typed tool from a zod schema. The model's input is validated against the
 * schema before `execute` runs; an invalid input goes back to the model as an error
 * result that names the problem, so the model can retry.
 *
 * @example
 * const add = tool({
 *   name: "add",
 *   description: "Add two numbers",
 *   input: z.object({ a: z.number(), b: z.number() }),
 *   readOnly: true,
 *   execute: ({ a, b }) => String(a + b),
 * });
 */
export function tool<Schema extends z.ZodType>(options: ToolOptions<Schema>): Tool {
  assertToolOptions(options);
  assertToolName(options.name);
  assertTimeoutMs(options.timeoutMs, `tool "${options.name}"`);
  const inputSchema = toJsonSchema(options.input, options.name);
  const readOnly = options.readOnly ?? false;
  return {
    name: options.name,
    description: options.description,
    inputSchema,
    readOnly,
    concurrencySafe: options.concurrencySafe ?? readOnly,
    timeoutMs: options.timeoutMs,
    parse(input) {
      const parsed = options.input.safeParse(input);
      if (parsed.success) return { ok: true, value: parsed.data };
      return { ok: false, message: formatIssues(parsed.error.issues) };
    },
    execute: (input, context) => options.execute(input as z.output<Schema>, context),
  };
}

/** The JSON Schema (draft 2020-12) of a zod schema, as a tool input schema. */
export function toJsonSchema(schema: z.ZodType, toolName = "tool"): JsonSchema {
  if (typeof schema?.toJSONSchema !== "function" || typeof schema.safeParse !== "function") {
    const shape = isZodShape(schema)
      ? " It looks like an object's fields: wrap them, input: z.object({ ... })."
      : "";
    throw new ArkyError({
      code: "configuration",
      message: `The input of tool "${toolName}" is not a zod v4 schema.${shape}`,
      correction:
        "Pass a zod v4 schema (import { z } from 'zod'), or implement the Tool interface for raw JSON Schema.",
    });
  }
  let json: Record<string, unknown>;
  try {
    json = schema.toJSONSchema({ io: "input", unrepresentable: "throw" }) as Record<string, unknown>;
  } catch (cause) {
    throw new ArkyError({
      code: "configuration",
      message: `The input schema of tool "${toolName}" cannot be expressed as JSON Schema.`,
      correction: "Avoid transforms, functions, symbols, dates and other types JSON cannot carry.",
      cause,
    });
  }
  const { $schema: _ignored, ...rest } = json;
  if (rest.type !== "object") {
    throw new ArkyError({
      code: "configuration",
      message: `The input schema of tool "${toolName}" must be an object schema (z.object(...)).`,
    });
  }
  return rest as JsonSchema;
}

/** Whether a value is a plain object of zod schemas (the Claude Agent SDK's input shape). */
function isZodShape(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const fields = Object.values(value);
  return fields.length > 0 && fields.every((f) => typeof (f as z.ZodType)?.safeParse === "function");
}

/** Formats validation issues the way zod's `prettifyError` does: `✖ message` and `→ at path`. */
export function formatIssues(
  issues: ReadonlyArray<{ message: string; path: ReadonlyArray<PropertyKey> }>,
): string {
  return issues
    .map((issue) => {
      const at = issue.path.length ? `\n  → at ${formatPath(issue.path)}` : "";
      return `✖ ${issue.message}${at}`;
    })
    .join("\n");
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "symbol") out += `[${String(key)}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}
