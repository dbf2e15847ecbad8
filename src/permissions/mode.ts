import { FILE_EDIT_TOOLS } from "../hooks/tool-names.js";
import { pathsOf } from "./input-fields.js";
import { resolveInputPath } from "./path-glob.js";

/**
 * How permissive the agent is when no rule decides:
 * - `default`: read-only tools run; every other tool is asked about.
 * - `acceptEdits`: like `default`, and file edits (`write`, `edit`, …) inside the working
 *   directory run without asking.
 * - `plan`: read-only tools only; every other tool is denied (even one an allow rule
 *   covers).
 * - `bypass`: everything runs that no deny or ask rule stops.
 */
export type PermissionMode = "default" | "acceptEdits" | "plan" | "bypass";

/** Every permission mode. */
export const PERMISSION_MODES: readonly PermissionMode[] = ["default", "acceptEdits", "plan", "bypass"];

/** Whether a value is a {@link PermissionMode}. */
export function isPermissionMode(value: unknown): value is PermissionMode {
  return typeof value === "string" && (PERMISSION_MODES as readonly string[]).includes(value);
}

/** Claude Code's name of a mode (`bypass` → `bypassPermissions`), for the CLI runtime. */
export function claudeCodePermissionMode(mode: PermissionMode): string {
  return mode === "bypass" ? "bypassPermissions" : mode;
}

/** What a mode says about a call no rule decided. */
export interface ModeDecision {
  behavior: "allow" | "ask" | "deny";
  reason: string;
}

/** The mode's decision for a call. `toolName` must be canonical. */
export function decideByMode(
  mode: PermissionMode,
  call: { toolName: string; input: unknown; readOnly: boolean },
  cwd: string,
): ModeDecision {
  if (mode === "bypass") return { behavior: "allow", reason: "bypass mode allows every tool" };
  if (call.readOnly) return { behavior: "allow", reason: `${call.toolName} is read-only` };
  if (mode === "plan")
    return {
      behavior: "deny",
      reason: `plan mode allows only read-only tools; ${call.toolName} is not read-only`,
    };
  if (mode === "acceptEdits" && FILE_EDIT_TOOLS.has(call.toolName) && insideCwd(call.input, cwd))
    return { behavior: "allow", reason: "acceptEdits mode allows file edits inside the working directory" };
  return { behavior: "ask", reason: `${call.toolName} is not read-only` };
}

function insideCwd(input: unknown, cwd: string): boolean {
  const paths = pathsOf(input);
  const base = cwd.replace(/\/+$/, "");
  return (
    paths.length > 0 &&
    paths.every((path) => {
      const absolute = resolveInputPath(path, cwd);
      return absolute === base || absolute.startsWith(`${base}/`);
    })
  );
}
