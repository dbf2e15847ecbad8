/**
 * The closed set of error codes. Every failure Arky reports carries one of these, and
 * the same failure gets the same code whichever runtime produced it (an overloaded API
 * behind Claude Code and behind the native loop are both `overloaded`).
 */
export const ERROR_CODES = {
  /** The request was malformed or refused by the API as invalid (HTTP 400). */
  "invalid-request": { retryable: false },
  /** Missing or wrong credentials (HTTP 401). */
  authentication: { retryable: false },
  /** The credentials lack permission for this resource (HTTP 403). */
  "permission-denied": { retryable: false },
  /** The model or resource does not exist (HTTP 404). */
  "not-found": { retryable: false },
  /** The request body is larger than the API accepts (HTTP 413). */
  "request-too-large": { retryable: false },
  /** The conversation no longer fits the model's context window. */
  "context-overflow": { retryable: false },
  /** Too many requests (HTTP 429). */
  "rate-limited": { retryable: true },
  /** The API failed internally (HTTP 500, 502, other 5xx). */
  "server-error": { retryable: true },
  /** The API is temporarily overloaded (HTTP 529, 503). */
  overloaded: { retryable: true },
  /** A request took longer than its timeout (HTTP 408, 504). */
  timeout: { retryable: true },
  /** The connection was refused, reset or dropped. */
  connection: { retryable: true },
  /** A response stream was malformed or ended before it was complete. */
  "malformed-response": { retryable: true },
  /** A subprocess or peer broke its protocol (a non-JSON or schema-invalid line, an unknown frame). */
  protocol: { retryable: false },
  /** A runtime process exited or crashed. */
  "process-exited": { retryable: false },
  /** An executable (a CLI runtime) could not be found or run. */
  "executable-not-found": { retryable: false },
  /** The caller's signal aborted the work. */
  cancelled: { retryable: false },
  /** The model asked for a tool that is not registered. */
  "tool-not-found": { retryable: false },
  /** The model's tool input failed the tool's schema. */
  "tool-input-invalid": { retryable: false },
  /** A tool threw while executing. */
  "tool-execution": { retryable: false },
  /** A tool did not finish within its timeout. */
  "tool-timeout": { retryable: false },
  /** A tool call was denied by the permission layer. */
  "tool-denied": { retryable: false },
  /** A hook failed (and its failure mode made that matter). */
  hook: { retryable: false },
  /** The turn reached its `maxTurns`. */
  "max-turns": { retryable: false },
  /** A token or cost budget was reached. */
  "budget-exceeded": { retryable: false },
  /** Two writers appended to one session at once; this one lost. */
  "session-conflict": { retryable: false },
  /** No session with that id exists. */
  "session-not-found": { retryable: false },
  /** A session store failed (corrupt row, locked or full database, dropped connection). */
  store: { retryable: false },
  /** The options given are invalid. Thrown before any work starts. */
  configuration: { retryable: false },
  /** The runtime does not support the feature that was called. */
  "capability-unsupported": { retryable: false },
  /** Anything not classified above. */
  unknown: { retryable: false },
} as const satisfies Record<string, { retryable: boolean }>;

/** One of the {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Whether a string is a known error code. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODES, value);
}
