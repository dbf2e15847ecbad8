/** Size and time limits of the built-in tools. Every field is optional in {@link CodingToolsOptions}. */
export interface ToolLimits {
  /** Characters of output a tool may return to the model (default 30 000). */
  maxOutputChars: number;
  /** Default `bash` timeout in milliseconds (default 120 000). */
  bashTimeoutMs: number;
  /** Largest timeout a `bash` call may ask for, in milliseconds (default 600 000). */
  bashMaxTimeoutMs: number;
  /** Lines `read` returns when no `limit` is given (default 2000). */
  readMaxLines: number;
  /** Characters kept of one line by `read` (default 2000). */
  readMaxLineChars: number;
  /** Largest file `read` loads, in bytes (default 10 MiB). */
  readMaxBytes: number;
  /** Largest image `read` returns, in bytes (default 5 MiB). */
  imageMaxBytes: number;
  /** Largest body `web_fetch` downloads, in bytes (default 5 MiB). */
  fetchMaxBytes: number;
  /** `web_fetch` timeout in milliseconds (default 30 000). */
  fetchTimeoutMs: number;
  /** Redirects `web_fetch` follows (default 5). */
  fetchMaxRedirects: number;
  /** Paths `glob` and `grep` list at most (default 1000). */
  maxResults: number;
}

/** The default {@link ToolLimits}. */
export const DEFAULT_LIMITS: Readonly<ToolLimits> = Object.freeze({
  maxOutputChars: 30_000,
  bashTimeoutMs: 120_000,
  bashMaxTimeoutMs: 600_000,
  readMaxLines: 2000,
  readMaxLineChars: 2000,
  readMaxBytes: 10 * 1024 * 1024,
  imageMaxBytes: 5 * 1024 * 1024,
  fetchMaxBytes: 5 * 1024 * 1024,
  fetchTimeoutMs: 30_000,
  fetchMaxRedirects: 5,
  maxResults: 1000,
});

/** Merges user limits over the defaults. */
export function resolveLimits(limits: Partial<ToolLimits> = {}): ToolLimits {
  return { ...DEFAULT_LIMITS, ...limits };
}

/** Keeps the first `max` characters, saying how much was cut. */
export function capHead(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n[output capped: showing the first ${max} of ${text.length} characters]`;
}

/** Keeps the last `max` characters, saying how much was cut. */
export function capTail(text: string, max: number, totalChars = text.length): string {
  if (totalChars <= max) return text;
  return `[output capped: showing the last ${max} of ${totalChars} characters]\n${text.slice(-max)}`;
}
