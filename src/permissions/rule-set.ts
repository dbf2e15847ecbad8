import { homedir } from "node:os";
import { canonicalToolName, FILE_EDIT_TOOLS, FILE_READ_TOOLS } from "../hooks/tool-names.js";
import { commandOf, hostOf, pathsOf } from "./input-fields.js";
import { globToRegExp, resolveInputPath, resolvePathPattern } from "./path-glob.js";
import { type PermissionBehavior, type PermissionRule, parsePermissionRule } from "./rule.js";
import { splitShellCommand } from "./shell-split.js";

/** Rule lists as written in options or settings files. */
export interface PermissionRuleLists {
  allow?: readonly string[];
  deny?: readonly string[];
  ask?: readonly string[];
}

/** The rule that decided, and how. */
export interface RuleMatch {
  behavior: PermissionBehavior;
  rule: string;
}

/** A tool call as rules see it. */
export interface RuleSubject {
  /** Any runtime's name; it is made canonical. */
  toolName: string;
  input: unknown;
}

/** Options of a {@link PermissionRuleSet}. */
export interface PermissionRuleSetOptions {
  /** Base of relative path patterns and inputs (default `process.cwd()`). */
  cwd?: string;
  /** Where `~/` points (default the user's home directory). */
  home?: string;
  /** Named in errors about malformed rules (default `permission rules`). */
  where?: string;
}

/**
 * Parsed allow / ask / deny lists. {@link PermissionRuleSet.evaluate} returns the
 * deciding rule: any matching deny rule, else any matching ask rule, else an allow rule,
 * else undefined (no rule applies). Bash commands are split into the simple commands
 * they run (see `splitShellCommand`): a deny or ask rule matches if it matches any of
 * them; allow rules must cover every one of them, and never cover commands with
 * substitutions or file redirections.
 */
export class PermissionRuleSet {
  private readonly rules: Record<PermissionBehavior, PermissionRule[]>;
  private readonly cwd: string;
  private readonly home: string;

  /** Throws a `configuration` ArkyError naming the first malformed rule. */
  constructor(lists: PermissionRuleLists = {}, options: PermissionRuleSetOptions = {}) {
    const { cwd = process.cwd(), home = homedir(), where = "permission rules" } = options;
    this.cwd = cwd;
    this.home = home;
    const parse = (list: readonly string[] | undefined, name: string) => {
      if (list !== undefined && !Array.isArray(list))
        return [parsePermissionRule(list, `${where} (${name} must be a list)`)];
      return (list ?? []).map((r, i) => parsePermissionRule(r, `${where} (${name}[${i}])`));
    };
    this.rules = {
      deny: parse(lists.deny, "deny"),
      ask: parse(lists.ask, "ask"),
      allow: parse(lists.allow, "allow"),
    };
  }

  /** The deciding rule for a call, or undefined when no rule applies. */
  evaluate(subject: RuleSubject): RuleMatch | undefined {
    const toolName = canonicalToolName(subject.toolName);
    const call = { toolName, input: subject.input };
    for (const behavior of ["deny", "ask"] as const) {
      const rule = this.rules[behavior].find((r) => this.matchesAny(r, call, "any"));
      if (rule) return { behavior, rule: rule.text };
    }
    const allow = this.matchAllow(call);
    return allow ? { behavior: "allow", rule: allow.text } : undefined;
  }

  private matchesAny(rule: PermissionRule, call: RuleSubject, paths: "any" | "all"): boolean {
    if (!isBashContentRule(rule)) return this.matchesCall(rule, call, paths);
    if (call.toolName !== "bash") return false;
    const command = commandOf(call.input);
    if (command === undefined) return false;
    if (matchesCommand(rule, command.trim())) return true;
    return splitShellCommand(command).parts.some(
      (part) => matchesCommand(rule, part) || matchesCommand(rule, unwrapCommand(part)),
    );
  }

  private matchAllow(call: RuleSubject): PermissionRule | undefined {
    const direct = this.rules.allow.find((r) => !isBashContentRule(r) && this.matchesCall(r, call, "all"));
    if (direct || call.toolName !== "bash") return direct;
    const command = commandOf(call.input);
    if (command === undefined) return undefined;
    const bashRules = this.rules.allow.filter(isBashContentRule);
    const { parts, unsafe } = splitShellCommand(command);
    if (unsafe || parts.length === 0) return undefined;
    let first: PermissionRule | undefined;
    for (const part of parts) {
      const rule = bashRules.find((r) => matchesCommand(r, part));
      if (!rule) return undefined;
      first ??= rule;
    }
    return first;
  }

  /**
   * Whether a non-Bash rule matches. For a call touching several files (a Codex patch),
   * `any` (deny, ask) needs one path to match, `all` (allow) needs every one.
   */
  private matchesCall(rule: PermissionRule, call: RuleSubject, mode: "any" | "all"): boolean {
    switch (rule.kind) {
      case "tool":
        return sameTool(rule.toolName, call.toolName);
      case "mcp-server":
        return call.toolName.startsWith(`mcp/${rule.server}/`);
      case "path": {
        if (!sameTool(rule.toolName, call.toolName)) return false;
        const paths = pathsOf(call.input);
        if (paths.length === 0 && FILE_READ_TOOLS.has(call.toolName)) paths.push(this.cwd);
        if (paths.length === 0) return false;
        const glob = globToRegExp(resolvePathPattern(rule.pattern, this.cwd, this.home));
        const test = (path: string) => glob.test(resolveInputPath(path, this.cwd, this.home));
        return mode === "any" ? paths.some(test) : paths.every(test);
      }
      case "domain": {
        if (call.toolName !== "web_fetch") return false;
        const host = hostOf(call.input);
        return host !== undefined && rule.pattern.test(host);
      }
      default:
        return false;
    }
  }
}

const WRAPPERS = new Set(["sudo", "env", "command", "exec", "nohup", "time", "nice", "xargs", "builtin"]);

/**
 * The command a simple command really runs, for deny and ask rules: leading `VAR=value`
 * assignments and wrappers (`sudo`, `env`, `nohup`, …) dropped, and `/bin/rm` read as
 * `rm`. Only ever makes deny and ask rules match more.
 */
function unwrapCommand(part: string): string {
  const words = part.split(/\s+/);
  while (words.length > 1 && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!) || WRAPPERS.has(words[0]!)))
    words.shift();
  words[0] = words[0]!.replace(/^.*\//, "");
  return words.join(" ");
}

function isBashContentRule(rule: PermissionRule): boolean {
  return rule.kind === "bash-prefix" || rule.kind === "bash-glob" || rule.kind === "bash-exact";
}

function matchesCommand(rule: PermissionRule, command: string): boolean {
  switch (rule.kind) {
    case "bash-prefix":
      return command === rule.prefix || command.startsWith(`${rule.prefix} `);
    case "bash-glob":
      return rule.pattern.test(command);
    case "bash-exact":
      return command === rule.command;
    default:
      return false;
  }
}

/** `Read(…)` rules cover every file-reading tool, `Edit(…)` rules every file-editing tool. */
function sameTool(ruleTool: string, callTool: string): boolean {
  if (ruleTool === callTool) return true;
  if (ruleTool === "read") return FILE_READ_TOOLS.has(callTool);
  if (ruleTool === "edit") return FILE_EDIT_TOOLS.has(callTool);
  return false;
}
