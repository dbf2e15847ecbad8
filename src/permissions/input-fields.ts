/**
 * Reads the fields rules look at from a tool's input, whatever runtime produced it:
 * Arky's and Claude Code's tools (`command`, `file_path`, `path`, `notebook_path`, `url`)
 * and Codex's file changes (`changes: [{ path }]`).
 */

function record(input: unknown): Record<string, unknown> {
  return typeof input === "object" && input !== null ? (input as Record<string, unknown>) : {};
}

/** The shell command of a bash-like call. */
export function commandOf(input: unknown): string | undefined {
  const value = record(input).command;
  return typeof value === "string" ? value : undefined;
}

/** Every file path a call touches (empty when it names none). */
export function pathsOf(input: unknown): string[] {
  const fields = record(input);
  for (const name of ["file_path", "path", "notebook_path", "filePath"]) {
    const value = fields[name];
    if (typeof value === "string") return [value];
  }
  if (Array.isArray(fields.changes))
    return fields.changes
      .map((change) => record(change).path)
      .filter((path): path is string => typeof path === "string");
  return [];
}

/** The lower-case host name of a fetch's `url`, when it is a URL. */
export function hostOf(input: unknown): string | undefined {
  const url = record(input).url;
  if (typeof url !== "string") return undefined;
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined; // not a URL: no domain rule can vouch for it
  }
}
