import type { AgentEventBody } from "../protocol/index.js";

/**
 * Tool names differ between runtimes: Arky's built-ins are `bash`, `read`, `write`, `edit`,
 * `glob`, `grep` and MCP tools are `mcp/<server>/<tool>`; Claude Code calls the same tools
 * `Bash`, `Read`, … and `mcp__<server>__<tool>`; Codex runs commands as `exec_command` and
 * edits files with `apply_patch`. Rules, matchers and callbacks work on the canonical
 * (Arky) name, so one configuration matches on every runtime.
 */

/** Runtime names → canonical names. */
const TO_CANONICAL: Record<string, string> = {
  exec_command: "bash",
  Bash: "bash",
  Read: "read",
  Write: "write",
  Edit: "edit",
  MultiEdit: "multi_edit",
  NotebookEdit: "notebook_edit",
  Glob: "glob",
  Grep: "grep",
  WebFetch: "web_fetch",
  WebSearch: "web_search",
};

/** Canonical names → Claude Code's names (what settings-file hook scripts expect). */
const TO_CLAUDE: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(TO_CANONICAL)
      .filter(([runtime]) => /^[A-Z]/.test(runtime))
      .map(([claude, arky]) => [arky, claude]),
  ),
  apply_patch: "Edit",
};

/** Tools that change files; `Edit(…)` rules and the `acceptEdits` mode apply to them. */
export const FILE_EDIT_TOOLS: ReadonlySet<string> = new Set([
  "write",
  "edit",
  "multi_edit",
  "notebook_edit",
  "apply_patch",
]);

/** Tools that read files; `Read(…)` rules apply to them. They are read-only. */
export const FILE_READ_TOOLS: ReadonlySet<string> = new Set(["read", "glob", "grep"]);

/**
 * The canonical Arky name of a tool: `Bash` and `exec_command` → `bash`,
 * `mcp__files__read` → `mcp/files/read`.
 * Names Arky does not know pass through unchanged.
 */
export function canonicalToolName(name: string): string {
  const mapped = TO_CANONICAL[name];
  if (mapped) return mapped;
  if (name.startsWith("mcp__")) {
    const rest = name.slice(5);
    const split = rest.indexOf("__");
    return split > 0 ? `mcp/${rest.slice(0, split)}/${rest.slice(split + 2)}` : `mcp/${rest}`;
  }
  return name;
}

/**
 * The name Claude Code uses for a tool: `bash` → `Bash`, `mcp/files/read` →
 * `mcp__files__read`, Codex's `apply_patch` → `Edit`. Command hooks written for Claude
 * Code receive this name, and hook matchers are tested against it.
 */
export function claudeCodeToolName(name: string): string {
  const canonical = canonicalToolName(name);
  const mapped = TO_CLAUDE[canonical];
  if (mapped) return mapped;
  if (canonical.startsWith("mcp/")) return `mcp__${canonical.slice(4).replace("/", "__")}`;
  return canonical;
}

/**
 * An event body with the canonical `toolName` (what `permission-decision`, rules and hooks
 * use), keeping the runtime's own name as `runtimeToolName` when it differs. Events without
 * a tool name come back unchanged.
 */
export function withCanonicalToolName(body: AgentEventBody): AgentEventBody {
  if (
    body.type === "tool-execution-start" ||
    body.type === "tool-execution-update" ||
    body.type === "tool-execution-end"
  ) {
    const names = canonicalNames(body.toolName);
    return names ? { ...body, ...names } : body;
  }
  if (body.type === "message-delta" && body.delta.kind === "tool-input") {
    const names = canonicalNames(body.delta.toolName);
    return names ? { ...body, delta: { ...body.delta, ...names } } : body;
  }
  return body;
}

function canonicalNames(name: string): { toolName: string; runtimeToolName: string } | undefined {
  const canonical = canonicalToolName(name);
  return canonical === name ? undefined : { toolName: canonical, runtimeToolName: name };
}
