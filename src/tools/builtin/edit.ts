import { z } from "zod";
import { ArkyError } from "../../protocol/index.js";
import { tool } from "../tool.js";
import type { Tool } from "../types.js";
import type { FileToolContext } from "./context.js";
import { fileError } from "./file-errors.js";
import { openInside, replaceContent } from "./safe-open.js";

const inputSchema = z.object({
  path: z.string().describe("File path, relative to the working directory or absolute inside it."),
  oldString: z.string().min(1).describe("The exact text to replace, whitespace included."),
  newString: z.string().describe("The replacement text."),
  replaceAll: z.boolean().optional().describe("Replace every occurrence (default: exactly one must exist)."),
});

/** `edit`: exact find-and-replace in one file. Mutating. */
export function editTool({ roots, allowHardLinks }: FileToolContext): Tool {
  return tool({
    name: "edit",
    description:
      "Replace exact text in a file. oldString must match exactly once (include surrounding lines to make " +
      "it unique) unless replaceAll is true. Read the file first.",
    input: inputSchema,
    readOnly: false,
    execute: async ({ path: input, oldString, newString, replaceAll = false }, { signal }) => {
      if (oldString === newString)
        throw editError("oldString and newString are the same; nothing to change.");
      const { handle } = await openInside(roots, input, { mode: "update", allowHardLinks }).catch(
        (cause: unknown) => {
          throw cause instanceof ArkyError ? cause : fileError(input, cause);
        },
      );
      try {
        const text = await handle.readFile({ encoding: "utf8", signal }).catch((cause: unknown) => {
          throw fileError(input, cause);
        });
        const count = occurrences(text, oldString);
        if (count === 0)
          throw editError(`oldString was not found in ${input}.`, "Read the file and copy the text exactly.");
        if (count > 1 && !replaceAll)
          throw editError(
            `oldString occurs ${count} times in ${input}; it must be unique.`,
            "Include more surrounding text to make it unique, or set replaceAll.",
          );
        const at = text.indexOf(oldString);
        const updated = replaceAll
          ? text.split(oldString).join(newString)
          : text.slice(0, at) + newString + text.slice(at + oldString.length);
        await replaceContent(handle, updated, signal).catch((cause: unknown) => {
          throw signal.aborted ? cause : fileError(input, cause);
        });
        return `Replaced ${replaceAll ? count : 1} occurrence${count > 1 && replaceAll ? "s" : ""} in ${input}.`;
      } finally {
        await handle.close();
      }
    },
  });
}

function occurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

function editError(message: string, correction?: string): ArkyError {
  return new ArkyError({ code: "tool-execution", message, correction });
}
