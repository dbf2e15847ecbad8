import { glob, realpath } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { ArkyError } from "../../protocol/index.js";
import { tool } from "../tool.js";
import type { Tool } from "../types.js";
import type { FileToolContext } from "./context.js";
import { isInside } from "./paths.js";

const SKIPPED = new Set([".git", "node_modules"]);

const inputSchema = z.object({
  pattern: z.string().min(1).describe("A glob such as `**/*.ts` or `src/*.json`."),
  path: z.string().optional().describe("Folder to search from (default: the working directory)."),
});

/** `glob`: lists files matching a glob pattern, sorted by path. Read-only. */
export function globTool({ roots, limits }: FileToolContext): Tool {
  return tool({
    name: "glob",
    description:
      "Find files by glob pattern (`**` crosses folders). Returns paths relative to the search folder, " +
      "sorted. .git and node_modules are skipped.",
    input: inputSchema,
    readOnly: true,
    execute: async ({ pattern, path: base = "." }, { signal }) => {
      if (path.isAbsolute(pattern) || pattern.split(/[\\/]/).includes(".."))
        throw new ArkyError({
          code: "tool-execution",
          message: `The pattern ${JSON.stringify(pattern)} was refused: it must be relative and without '..'.`,
          correction: "Pass the folder as `path` and a relative pattern.",
        });
      const dir = await roots.resolve(base);
      const realRoots = await roots.realRoots();
      const found: string[] = [];
      let more = false;
      const exclude = (name: string) => SKIPPED.has(path.basename(name));
      for await (const entry of glob(pattern, { cwd: dir, exclude })) {
        signal.throwIfAborted();
        // Gone since it was listed, or a dangling link: not a match.
        const real = await realpath(path.join(dir, entry)).catch(() => undefined);
        if (!real || !realRoots.some((root) => isInside(real, root))) continue;
        if (found.length >= limits.maxResults) {
          more = true;
          break;
        }
        found.push(entry);
      }
      if (found.length === 0) return `No files match ${pattern}.`;
      found.sort();
      const note = more ? `\n[stopped at ${limits.maxResults} results; narrow the pattern]` : "";
      const list = found.join("\n");
      return list.length > limits.maxOutputChars
        ? `${list.slice(0, limits.maxOutputChars)}\n[output capped at ${limits.maxOutputChars} characters]${note}`
        : list + note;
    },
  });
}
