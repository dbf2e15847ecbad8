import path from "node:path";
import { z } from "zod";
import { isInside } from "./paths.js";

/** The input of `grep`. */
export const grepInputSchema = z.object({
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
export type GrepQuery = z.output<typeof grepInputSchema> & {
  /** The real path searched. */
  target: string;
  /** The folder results are shown relative to. */
  displayRoot: string;
  maxResults: number;
  maxFileBytes: number;
  signal: AbortSignal;
};

/** A path as results show it: relative to the display root when below it. */
export function shownPath(file: string, displayRoot: string): string {
  return isInside(file, displayRoot) ? path.relative(displayRoot, file) || "." : file;
}

/** Keeps at most `max` lines, saying so when some were dropped. */
export function limitLines(text: string, max: number): string {
  const lines = text.split("\n").filter((line, i, all) => line.length > 0 || i < all.length - 1);
  if (lines.length <= max) return lines.join("\n");
  return `${lines.slice(0, max).join("\n")}\n[stopped at ${max} results]`;
}
