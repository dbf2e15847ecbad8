import { tool } from "../tool.js";
import type { Tool } from "../types.js";
import type { FileToolContext } from "./context.js";
import { grepWithJs } from "./grep-js.js";
import { type GrepQuery, grepInputSchema } from "./grep-query.js";
import { grepWithRipgrep } from "./grep-ripgrep.js";
import { capHead } from "./limits.js";

/** Options of {@link grepTool}. */
export interface GrepToolOptions extends FileToolContext {
  /** Path of a ripgrep binary; `null` forces the JavaScript search. */
  ripgrepPath: string | null;
}

/**
 * `grep`: searches file contents with a regular expression, via ripgrep when available
 * (it honours .gitignore) and a JavaScript walk otherwise (which skips .git and
 * node_modules). Read-only.
 */
export function grepTool({ roots, limits, ripgrepPath }: GrepToolOptions): Tool {
  return tool({
    name: "grep",
    description:
      "Search file contents with a regular expression. Results are `path:line:text` (context lines use " +
      "`path-line-text`, groups separated by `--`). Filter files with glob; choose outputMode files or count " +
      "for an overview.",
    input: grepInputSchema,
    readOnly: true,
    execute: async (input, { signal }) => {
      const target = await roots.resolve(input.path ?? ".");
      const [realCwd] = await roots.realRoots();
      const query: GrepQuery = {
        ...input,
        target,
        displayRoot: realCwd!,
        maxResults: limits.maxResults,
        maxFileBytes: limits.readMaxBytes,
        signal,
      };
      const output = ripgrepPath ? await grepWithRipgrep(ripgrepPath, query) : await grepWithJs(query);
      if (output.trim().length === 0) return `No matches for ${JSON.stringify(input.pattern)}.`;
      return capHead(output.replace(/\n$/, ""), limits.maxOutputChars);
    },
  });
}
