import { ArkyError } from "../../protocol/index.js";

/** A `tool-execution` error for a failed file operation, worded for the model. */
export function fileError(input: string, cause: unknown): ArkyError {
  const code = (cause as NodeJS.ErrnoException).code;
  const reason =
    code === "ENOENT"
      ? "does not exist"
      : code === "EACCES"
        ? "is not accessible (permission denied)"
        : code === "EISDIR"
          ? "is a directory"
          : (cause as Error).message;
  return new ArkyError({
    code: "tool-execution",
    message: `${JSON.stringify(input)} ${reason}.`,
    correction: code === "ENOENT" ? "Check the path with glob." : undefined,
    cause,
  });
}
