import path from "node:path";
import { z } from "zod";
import { tool } from "../tool.js";
import type { Tool } from "../types.js";
import type { FileToolContext } from "./context.js";
import { grepWithJs } from "./grep-js.js";
import { grepWithRipgrep } from "./grep-ripgrep.js";
import { capHead } from "./limits.js";
import { isInside } from "./paths.js";

const inputSchema = z.object({
  pattern: z.string().min(1).describe("A regular expression."),
  path: z.string().optional().describe("File or folder to search (default: the working directory)."),
  glob: z.string().optional().describe("Only files matching this glob, e.g. `*.ts` or `src/**/*.md`."),
  ignoreCase: z.boolean().optional(),
  context: z.number().int().min(0).max(20).optional().describe("Lines of context around each match."),
  outputMode: z
    .enum(["content", "files", "count"])
    .optional()
    .describe(
      "`content` (default): matching lines as path:line:text; `files`: paths only; `count`: per file.",
    ),
});

/** What a grep backend receives. */
export type GrepQuery = z.output<typeof inputSchema> & {
  /** The real path searched. */
  target: string;
  /** The folder results are shown relative to. */
  displayRoot: string;
  maxResults: number;
  maxFileBytes: number;
  signal: AbortSignal;
};

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
    input: inputSchema,
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

/** A path as results show it: relative to the display root when below it. */
export function shownPath(file: string, displayRoot: string): string {
  return isInside(file, displayRoot) ? path.relative(displayRoot, file) || "." : file;
}
