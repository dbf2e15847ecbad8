import { canonicalToolName } from "../hooks/tool-names.js";
import { ArkyError } from "../protocol/index.js";

/** Whether a rule allows, asks or denies. On a conflict deny beats ask beats allow. */
export type PermissionBehavior = "allow" | "deny" | "ask";

/**
 * A parsed permission rule. `text` is the rule as written; `toolName` is canonical
 * (`Bash(…)` and `bash(…)` are the same rule).
 */
export type PermissionRule =
  | { text: string; kind: "tool"; toolName: string }
  | { text: string; kind: "mcp-server"; server: string }
  | { text: string; kind: "bash-prefix"; toolName: "bash"; prefix: string }
  | { text: string; kind: "bash-glob"; toolName: "bash"; pattern: RegExp }
  | { text: string; kind: "bash-exact"; toolName: "bash"; command: string }
  | { text: string; kind: "path"; toolName: string; pattern: string }
  | { text: string; kind: "domain"; toolName: "web_fetch"; pattern: RegExp };

const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const MCP_SEGMENT = /^[A-Za-z0-9_.-]+$/;
const PATH_TOOLS = new Set(["read", "write", "edit", "multi_edit", "notebook_edit", "glob", "grep"]);

const RULE_FORMS =
  "Rules look like `Bash`, `Bash(git status:*)`, `Bash(npm run *)`, `Read(src/**)`, `Edit(docs/**)`, " +
  "`WebFetch(domain:example.com)`, `mcp/<server>` or `mcp/<server>/<tool>`.";

/**
 * Parses one rule. Throws a `configuration` ArkyError naming the rule (and `where`, e.g.
 * the settings file and list) when it is malformed.
 */
export function parsePermissionRule(text: unknown, where = "permission rules"): PermissionRule {
  const fail = (why: string): never => {
    throw new ArkyError({
      code: "configuration",
      message: `Invalid permission rule ${JSON.stringify(text)} in ${where}: ${why}.`,
      correction: RULE_FORMS,
      details: { rule: typeof text === "string" ? text : String(text), where },
    });
  };
  if (typeof text !== "string") return fail("a rule must be a string");
  const rule = text.trim();
  if (!rule) return fail("the rule is empty");

  if (rule.startsWith("mcp/") || rule.startsWith("mcp__")) return parseMcpRule(rule, text, fail);

  const open = rule.indexOf("(");
  if (open === -1) {
    if (!TOOL_NAME.test(rule)) fail("a tool name has only letters, digits, `_` and `-`");
    return { text, kind: "tool", toolName: canonicalToolName(rule) };
  }
  const name = rule.slice(0, open);
  if (!name) fail("the tool name before `(` is missing");
  if (!TOOL_NAME.test(name)) fail("a tool name has only letters, digits, `_` and `-`");
  if (!rule.endsWith(")")) fail("the specifier must end with `)`");
  const spec = rule.slice(open + 1, -1).trim();
  if (!spec) fail("the specifier in `(…)` is empty");
  const toolName = canonicalToolName(name);
  if (spec === "*") return { text, kind: "tool", toolName };

  if (toolName === "bash") {
    if (spec.endsWith(":*")) {
      const prefix = spec.slice(0, -2).trim();
      if (!prefix) fail("the prefix before `:*` is empty");
      if (prefix.includes("*")) fail("a `:*` prefix rule cannot contain another `*`");
      return { text, kind: "bash-prefix", toolName, prefix };
    }
    if (spec.includes(":*")) fail("`:*` is only allowed at the end of a Bash rule");
    if (spec.includes("*")) return { text, kind: "bash-glob", toolName, pattern: wildcard(spec, ".*", "s") };
    return { text, kind: "bash-exact", toolName, command: spec };
  }
  if (PATH_TOOLS.has(toolName)) {
    if (spec.includes("\0")) fail("the path contains a NUL character");
    return { text, kind: "path", toolName, pattern: spec };
  }
  if (toolName === "web_fetch") {
    if (!spec.startsWith("domain:") || spec.length === "domain:".length)
      fail("WebFetch rules take `domain:<host>`");
    return {
      text,
      kind: "domain",
      toolName,
      pattern: wildcard(spec.slice("domain:".length).toLowerCase(), "[^.]*"),
    };
  }
  return fail(`tool "${name}" takes no specifier; write the bare name to match every call`);
}

function parseMcpRule(rule: string, text: string, fail: (why: string) => never): PermissionRule {
  const segments = rule.startsWith("mcp/") ? rule.slice(4).split("/") : rule.slice(5).split("__");
  const [server, tool, ...rest] = segments;
  if (!server || !MCP_SEGMENT.test(server)) fail("the MCP server name is missing or invalid");
  if (rest.length > 0) fail("an MCP rule is `mcp/<server>` or `mcp/<server>/<tool>`");
  if (tool === undefined || tool === "*") return { text, kind: "mcp-server", server: server! };
  if (!MCP_SEGMENT.test(tool)) fail("the MCP tool name is missing or invalid");
  return { text, kind: "tool", toolName: `mcp/${server}/${tool}` };
}

/** A whole-string pattern in which `*` matches `star` and everything else is literal. */
function wildcard(text: string, star: string, flags = ""): RegExp {
  const body = text
    .split("*")
    .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(star);
  return new RegExp(`^${body}$`, flags);
}
