import { type PermissionMode, parsePermissionRule } from "../permissions/index.js";
import { ArkyError } from "../protocol/index.js";

/** The rule-list flags, in Claude Code's two spellings, and the list each fills. */
const RULE_FLAGS: Record<string, "allow" | "deny"> = {
  "--allowed-tools": "allow",
  "--allowedTools": "allow",
  "--disallowed-tools": "deny",
  "--disallowedTools": "deny",
};

/** Rules given with `--allowed-tools` / `--disallowed-tools`. */
export interface RuleFlags {
  allow: string[];
  deny: string[];
}

/**
 * Takes the rule-list flags out of `argv`, as Claude Code reads them: each flag takes every
 * following argument up to the next one that starts with `-` (so `--allowed-tools
 * "Bash(npm test)" Read`), and each argument may hold several rules separated by commas or
 * spaces outside parentheses. `--flag=value` takes just that value. Returns the other
 * arguments and the rules (each checked; a malformed one is a `configuration` error).
 */
export function extractRuleFlags(argv: readonly string[]): { rest: string[]; rules: RuleFlags } {
  const rules: RuleFlags = { allow: [], deny: [] };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    const [flag, inline] = splitInline(arg);
    const list = RULE_FLAGS[flag];
    if (!list) {
      rest.push(arg);
      continue;
    }
    const values: string[] = [];
    if (inline !== undefined) values.push(inline);
    else
      while (i + 1 < argv.length && !(argv[i + 1] as string).startsWith("-"))
        values.push(argv[++i] as string);
    const found = values.flatMap(splitRules);
    if (found.length === 0)
      throw new ArkyError({
        code: "configuration",
        message: `${flag} needs at least one rule, e.g. ${flag} "Bash(npm test)" Read.`,
      });
    for (const rule of found) parsePermissionRule(rule, flag);
    rules[list].push(...found);
  }
  return { rest, rules };
}

function splitInline(arg: string): [string, string | undefined] {
  const eq = arg.indexOf("=");
  return eq > 0 && arg.startsWith("--") ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

/** `"Bash(npm test), Read Edit"` → `["Bash(npm test)", "Read", "Edit"]`: separators inside parentheses are kept. */
export function splitRules(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth = Math.max(0, depth - 1);
    if (depth === 0 && (ch === "," || /\s/.test(ch))) {
      if (current) out.push(current);
      current = "";
    } else current += ch;
  }
  if (current) out.push(current);
  return out;
}

/** `--permission-mode` values: Arky's modes plus Claude Code's `bypassPermissions`. */
export const CLI_PERMISSION_MODES = ["default", "acceptEdits", "plan", "bypass", "bypassPermissions"];

/** The mode a `--permission-mode` value names; a `configuration` error for anything else. */
export function parsePermissionModeFlag(value: string | undefined): PermissionMode | undefined {
  if (value === undefined) return undefined;
  if (value === "bypassPermissions") return "bypass";
  if (value === "default" || value === "acceptEdits" || value === "plan" || value === "bypass") return value;
  throw new ArkyError({
    code: "configuration",
    message: `--permission-mode must be ${CLI_PERMISSION_MODES.join(", ")}; not "${value}".`,
  });
}
