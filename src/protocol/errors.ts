import { ERROR_CODES, type ErrorCode, isErrorCode } from "./error-codes.js";

const BRAND = Symbol.for("arky.error");

/** Options for constructing an {@link ArkyError}. */
export interface ArkyErrorOptions {
  code: ErrorCode;
  message: string;
  /** Overrides the code's default retryability. */
  retryable?: boolean;
  /** The HTTP status this error came from or maps to. */
  httpStatus?: number;
  /** How long the server asked us to wait before retrying (from `retry-after`). */
  retryAfterMs?: number;
  /** A hint for the user or the model on how to fix the problem. */
  correction?: string;
  /** Structured extra data (a provider's error type, a request id, a stderr tail). No secrets. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one error class of Arky. Identify it with {@link ArkyError.isArkyError} rather
 * than `instanceof`, which fails across duplicated copies of the package. Decide on
 * retries with `retryable` and `retryAfterMs`, never with the message text.
 */
export class ArkyError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly correction: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(options: ArkyErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ArkyError";
    this.code = options.code;
    this.retryable = options.retryable ?? ERROR_CODES[options.code].retryable;
    this.httpStatus = options.httpStatus;
    this.retryAfterMs = options.retryAfterMs;
    this.correction = options.correction;
    this.details = options.details;
  }

  /** Whether a value is an ArkyError from any copy of this package. */
  static isArkyError(value: unknown): value is ArkyError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** A JSON-safe form for events and stores. */
  toJSON(): SerializedError {
    return serializeError(this);
  }
}

/** An error as it is stored in events: plain data, no stack. */
export interface SerializedError {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  httpStatus?: number;
  retryAfterMs?: number;
  correction?: string;
  details?: Record<string, unknown>;
}

/** Converts an ArkyError into plain data for an event. */
export function serializeError(error: ArkyError): SerializedError {
  const out: SerializedError = { code: error.code, message: error.message, retryable: error.retryable };
  if (error.httpStatus !== undefined) out.httpStatus = error.httpStatus;
  if (error.retryAfterMs !== undefined) out.retryAfterMs = error.retryAfterMs;
  if (error.correction !== undefined) out.correction = error.correction;
  if (error.details !== undefined) out.details = error.details;
  return out;
}

/** Rebuilds an ArkyError from stored data (an unknown code becomes `unknown`). */
export function deserializeError(data: SerializedError): ArkyError {
  return new ArkyError({ ...data, code: isErrorCode(data.code) ? data.code : "unknown" });
}

/** Whether an error (or its cause chain) is an abort. */
export function isAbortError(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    if (ArkyError.isArkyError(e)) return e.code === "cancelled";
    if (
      typeof e === "object" &&
      e !== null &&
      "name" in e &&
      (e.name === "AbortError" || e.name === "APIUserAbortError")
    )
      return true;
    e = typeof e === "object" && e !== null && "cause" in e ? (e as { cause: unknown }).cause : undefined;
  }
  return false;
}

/** The error reported when a caller's signal aborts work. */
export function cancelledError(reason?: unknown): ArkyError {
  return new ArkyError({ code: "cancelled", message: "The operation was cancelled.", cause: reason });
}

/**
 * Wraps anything thrown into an ArkyError: ArkyErrors pass through, aborts become
 * `cancelled`, a `TimeoutError` (from `AbortSignal.timeout()`) becomes `timeout`,
 * everything else becomes `fallback` (default `unknown`) with the original as `cause`.
 */
export function toArkyError(error: unknown, fallback: ErrorCode = "unknown"): ArkyError {
  if (ArkyError.isArkyError(error)) return error;
  if (isAbortError(error)) return cancelledError(error);
  if (error instanceof Error && error.name === "TimeoutError") {
    return new ArkyError({
      code: "timeout",
      message: error.message || "The operation timed out.",
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ArkyError({ code: fallback, message, cause: error });
}
