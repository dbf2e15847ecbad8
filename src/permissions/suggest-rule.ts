import { relative } from "node:path";
import { claudeCodeToolName, FILE_EDIT_TOOLS } from "../hooks/tool-names.js";
import { commandOf, pathsOf } from "./input-fields.js";
import { resolveInputPath } from "./path-glob.js";
import { splitShellCommand } from "./shell-split.js";

/**
 * A rule that would allow calls like this one, offered in denial reasons and to
 * `canUseTool`: `Bash(git push:*)` for a command, `Edit(docs/**)` for a file edit inside
 * the working directory (`Edit(/README.md)` at its top), else the tool's name.
 */
export function suggestRule(toolName: string, input: unknown, cwd: string): string {
  const command = commandOf(input);
  if (toolName === "bash" && command !== undefined) {
    const first = splitShellCommand(command).parts[0];
    const words = first?.split(/\s+/).filter((w) => !w.startsWith("-")) ?? [];
    if (words.length > 0) return `Bash(${words.slice(0, 2).join(" ")}:*)`;
  }
  const [path] = pathsOf(input);
  if (typeof path === "string" && (FILE_EDIT_TOOLS.has(toolName) || toolName === "read")) {
    const file = relative(cwd, resolveInputPath(path, cwd));
    const dir = file.split("/").slice(0, -1).join("/");
    const family = FILE_EDIT_TOOLS.has(toolName) ? "Edit" : "Read";
    if (!dir.startsWith("..")) return `${family}(${dir ? `${dir}/**` : `/${file}`})`;
  }
  return toolName.startsWith("mcp/") ? toolName : claudeCodeToolName(toolName);
}
