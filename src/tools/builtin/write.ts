import { z } from "zod";
import { ArkyError } from "../../protocol/index.js";
import { tool } from "../tool.js";
import type { Tool } from "../types.js";
import type { FileToolContext } from "./context.js";
import { fileError } from "./file-errors.js";
import { openInside, replaceContent } from "./safe-open.js";

const inputSchema = z.object({
  path: z.string().describe("File path, relative to the working directory or absolute inside it."),
  content: z.string().describe("The complete new content of the file."),
});

/** `write`: creates or overwrites a file (and its missing parent folders). Mutating. */
export function writeTool({ roots, allowHardLinks }: FileToolContext): Tool {
  return tool({
    name: "write",
    description:
      "Write a file, replacing it if it exists and creating missing parent folders. " +
      "Prefer edit for changing part of an existing file.",
    input: inputSchema,
    readOnly: false,
    execute: async ({ path: input, content }, { signal }) => {
      try {
        const { handle } = await openInside(roots, input, { mode: "write", allowHardLinks });
        try {
          await replaceContent(handle, content, signal);
        } finally {
          await handle.close();
        }
      } catch (cause) {
        if (signal.aborted || cause instanceof ArkyError) throw cause;
        throw fileError(input, cause);
      }
      return `Wrote ${Buffer.byteLength(content)} bytes to ${input}.`;
    },
  });
}
