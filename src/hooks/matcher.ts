import { ArkyError } from "../protocol/index.js";
import { canonicalToolName, claudeCodeToolName } from "./tool-names.js";

/** Tests a tool name against a hook's matcher. */
export type ToolNameMatcher = (toolName: string) => boolean;

/**
 * Compiles a hook matcher (see `Hooks.matcher`). A string is an anchored regular
 * expression; `*`, `""` and `undefined` match every tool. The name is tested in its
 * canonical form and in Claude Code's form, so `Bash` and `bash` both match both.
 * Throws a `configuration` ArkyError for an invalid regular expression.
 */
export function compileToolMatcher(
  matcher: string | RegExp | undefined,
  where = "hook matcher",
): ToolNameMatcher {
  if (matcher === undefined || matcher === "" || matcher === "*") return () => true;
  let regex: RegExp;
  if (matcher instanceof RegExp) {
    regex = matcher;
  } else {
    try {
      regex = new RegExp(`^(?:${matcher})$`);
    } catch (cause) {
      throw new ArkyError({
        code: "configuration",
        message: `Invalid ${where} "${matcher}": not a valid regular expression.`,
        correction: 'Use a tool name, names joined with "|", or a regular expression such as "mcp/files/.*".',
        cause,
      });
    }
  }
  return (toolName) => {
    const names = new Set([toolName, canonicalToolName(toolName), claudeCodeToolName(toolName)]);
    for (const name of names) {
      regex.lastIndex = 0;
      if (regex.test(name)) return true;
    }
    return false;
  };
}
