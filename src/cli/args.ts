import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { ArkyError } from "../protocol/index.js";
import { extractRuleFlags, parsePermissionModeFlag } from "./permission-args.js";

/** The options `arky run` understands. */
export const RUN_OPTIONS = {
  output: { type: "string", short: "o", default: "text" },
  model: { type: "string", short: "m" },
  system: { type: "string" },
  "max-turns": { type: "string" },
  cwd: { type: "string" },
  tools: { type: "string", default: "read-only" },
  "base-url": { type: "string" },
  resume: { type: "string", short: "r" },
  continue: { type: "boolean", short: "c" },
  "no-store": { type: "boolean" },
  "permission-mode": { type: "string" },
  print: { type: "boolean", short: "p" },
  help: { type: "boolean", short: "h" },
} as const;

/** Strict `parseArgs` (positionals allowed unless told); a bad option is a `configuration` error. */
export function parseCliArgs<O extends ParseArgsOptionsConfig>(
  args: string[],
  options: O,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (cause) {
    throw new ArkyError({ code: "configuration", message: (cause as Error).message, cause });
  }
}

/** The value of an optional whole-number option (`--limit 5`); a `configuration` error unless it is positive. */
export function positiveInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new ArkyError({ code: "configuration", message: `${flag} must be a positive whole number.` });
  return n;
}

/** Parses `arky run` arguments; throws a `configuration` error with the problem. */
export function parseRunArgs(argv: string[]) {
  const { rest, rules } = extractRuleFlags(argv);
  const { values, positionals } = parseCliArgs(rest, RUN_OPTIONS);
  const output = values.output;
  if (output !== "text" && output !== "json" && output !== "stream-json") {
    throw new ArkyError({
      code: "configuration",
      message: `--output must be text, json or stream-json, not "${output}".`,
    });
  }
  const tools = values.tools;
  if (tools !== "read-only" && tools !== "all" && tools !== "none") {
    throw new ArkyError({
      code: "configuration",
      message: `--tools must be read-only, all or none, not "${tools}".`,
    });
  }
  const maxTurns = positiveInteger(values["max-turns"], "--max-turns");
  if (values.resume !== undefined && values.continue) {
    throw new ArkyError({ code: "configuration", message: "Give --resume <id> or --continue, not both." });
  }
  if ((values.resume !== undefined || values.continue) && values["no-store"]) {
    throw new ArkyError({
      code: "configuration",
      message: "--resume and --continue continue a stored session; they cannot be used with --no-store.",
    });
  }
  return {
    prompt: positionals.join(" "),
    resume: values.resume,
    continueLast: values.continue === true,
    store: values["no-store"] !== true,
    output,
    tools,
    maxTurns,
    model: values.model,
    system: values.system,
    cwd: values.cwd,
    baseUrl: values["base-url"],
    permissionMode: parsePermissionModeFlag(values["permission-mode"]),
    allow: rules.allow,
    deny: rules.deny,
    help: values.help === true,
  };
}

/** Parsed `arky run` arguments. */
export type RunArgs = ReturnType<typeof parseRunArgs>;
