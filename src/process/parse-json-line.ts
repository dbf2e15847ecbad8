import type { z } from "zod";
import { ArkyError } from "../protocol/index.js";

const EXCERPT = 200;

/** The outcome of reading one line: a typed message, nothing (a blank line), or a protocol error. */
export type ParsedLine<T> = { ok: true; value: T } | { ok: false; error: ArkyError } | undefined;

/**
 * Parses one line as JSON and validates it with `schema`. Blank lines give `undefined`;
 * non-JSON and schema-invalid lines give a `protocol` error carrying an excerpt of the
 * line (never the whole line: it may be huge).
 */
export function parseJsonLine<T>(line: string, schema: z.ZodType<T>, source: string): ParsedLine<T> {
  if (line.trim() === "") return undefined;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (cause) {
    return skipped(source, line, "a line that is not JSON", { length: line.length }, cause);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  return skipped(source, line, "a message of an unexpected shape", { issues });
}

/** A skipped line's `protocol` error, with an excerpt of the line. */
function skipped(source: string, line: string, what: string, details: object, cause?: unknown) {
  const message = `${source} wrote ${what}; it was skipped.`;
  const excerpt = line.slice(0, EXCERPT);
  return {
    ok: false as const,
    error: new ArkyError({ code: "protocol", message, details: { source, excerpt, ...details }, cause }),
  };
}

/** The error for a line longer than the cap. */
export function lineTooLongError(source: string, bytes: number, maxLineBytes: number): ArkyError {
  return new ArkyError({
    code: "protocol",
    message: `${source} wrote a line longer than ${maxLineBytes} bytes; it was skipped.`,
    details: { source, bytes, maxLineBytes },
  });
}
