import type { ErrorCode } from "./error-codes.js";
import { ArkyError } from "./errors.js";

/** What is known about a failed API call. Every field is optional. */
export interface HttpErrorInput {
  /** HTTP status, when the failure was an HTTP response. */
  status?: number;
  /** The response body: parsed JSON, raw text, or undefined. */
  body?: unknown;
  /** Response headers (for `retry-after`, `retry-after-ms` and request ids). */
  headers?: Headers | Record<string, string | undefined>;
  /** Which API this came from, kept in `details.provider`. */
  provider?: string;
  /** What the runtime the call went through offers, so corrections name what can be set there. */
  hints?: CorrectionHints;
  cause?: unknown;
}

/**
 * What a runtime offers the user to fix a failed model call. The code of a failure is the
 * same on every runtime; its correction names what the user can change on the runtime it
 * happened on.
 */
export interface CorrectionHints {
  /** Where this runtime's credentials come from, e.g. "ANTHROPIC_API_KEY or anthropic({ apiKey })". */
  credentials?: string;
  /** The option that sets a fallback model, only where the runtime has one (`overloaded`). */
  fallbackOption?: string;
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: "invalid-request",
  401: "authentication",
  403: "permission-denied",
  404: "not-found",
  408: "timeout",
  409: "server-error",
  413: "request-too-large",
  422: "invalid-request",
  429: "rate-limited",
  500: "server-error",
  502: "server-error",
  503: "overloaded",
  504: "timeout",
  529: "overloaded",
};

/** Anthropic and OpenAI error `type`s, for errors that arrive without a status (in-stream). */
const TYPE_CODES: Record<string, ErrorCode> = {
  invalid_request_error: "invalid-request",
  authentication_error: "authentication",
  permission_error: "permission-denied",
  not_found_error: "not-found",
  request_too_large: "request-too-large",
  rate_limit_error: "rate-limited",
  rate_limit_exceeded: "rate-limited",
  insufficient_quota: "rate-limited",
  api_error: "server-error",
  server_error: "server-error",
  overloaded_error: "overloaded",
  timeout_error: "timeout",
  context_length_exceeded: "context-overflow",
  // What the Claude Code CLI reports on its synthetic API-error messages.
  authentication_failed: "authentication",
  overloaded: "overloaded",
};

const CORRECTIONS: Partial<Record<ErrorCode, string>> = {
  authentication: "Check the API key (or other credentials) the model API was called with.",
  "permission-denied": "The API key is valid but not allowed to use this model or resource.",
  "not-found": "Check the model id and the base URL.",
  "request-too-large": "Send fewer or smaller attachments, or shorten the conversation.",
  "context-overflow": "Shorten the conversation (compact or fork it) or use a model with a larger context.",
  "rate-limited": "Slow down, or raise the retry limits; the request can be retried later.",
  overloaded: "The API is busy; retry later.",
};

/** The correction of a code on the runtime the hints describe. */
function correctionFor(code: ErrorCode, hints: CorrectionHints = {}): string | undefined {
  if (code === "authentication" && hints.credentials) return `Check the credentials: ${hints.credentials}.`;
  if (code === "overloaded" && hints.fallbackOption)
    return `The API is busy; retry later or set \`${hints.fallbackOption}\`.`;
  return CORRECTIONS[code];
}

// Providers report an over-long prompt as a plain 400; the message is the only signal.
const CONTEXT_OVERFLOW = /prompt is too long|context (length|window)|maximum context|too many tokens/i;

/**
 * Maps a failed API call (HTTP status, body, headers) to a classified {@link ArkyError}.
 * Every runtime uses this one function, so the same failure gets the same code
 * everywhere. Understands Anthropic (`{type:"error",error:{type,message}}`) and OpenAI
 * (`{error:{type,code,message}}`) bodies, and errors without a status (in-stream
 * `error` events). The status decides the code when there is one; the body refines it
 * (`overloaded_error`, context overflow) or decides alone when there is no status.
 */
export function classifyHttpError(input: HttpErrorInput): ArkyError {
  const { status, body, headers, provider, hints, cause } = input;
  const { type, errorCode, message, requestId: bodyRequestId } = readErrorBody(body);
  const bodyCode = (errorCode && TYPE_CODES[errorCode]) || (type && TYPE_CODES[type]) || undefined;
  // The status wins over the body's type: OpenAI sends a 401 with `type: "invalid_request_error"`.
  let code: ErrorCode =
    (status !== undefined ? STATUS_CODES[status] : undefined) ?? bodyCode ?? fallbackCode(status);
  if (status === 529 || bodyCode === "overloaded") code = "overloaded";
  if (bodyCode === "context-overflow") code = "context-overflow";
  if (
    (code === "invalid-request" || code === "request-too-large") &&
    message &&
    CONTEXT_OVERFLOW.test(message)
  )
    code = "context-overflow";

  const details: Record<string, unknown> = {};
  if (provider) details.provider = provider;
  if (type) details.errorType = type;
  if (errorCode && errorCode !== type) details.errorCode = errorCode;
  const requestId = header(headers, "request-id") ?? header(headers, "x-request-id") ?? bodyRequestId;
  if (requestId) details.requestId = requestId;

  const what = status !== undefined ? `HTTP ${status}` : "API error";
  const kind = type ?? errorCode;
  return new ArkyError({
    code,
    message: message ? `${what}: ${message}` : `${what}${kind ? ` (${kind})` : ""}`,
    httpStatus: status,
    // A quota that is used up will not come back by retrying.
    retryable: errorCode === "insufficient_quota" || type === "insufficient_quota" ? false : undefined,
    retryAfterMs: parseRetryAfter(headers),
    correction: correctionFor(code, hints),
    details: Object.keys(details).length ? details : undefined,
    cause,
  });
}

function fallbackCode(status: number | undefined): ErrorCode {
  if (status === undefined) return "unknown";
  if (status >= 500) return "server-error";
  if (status >= 400) return "invalid-request";
  return "unknown";
}

interface ErrorBody {
  type?: string;
  errorCode?: string;
  message?: string;
  requestId?: string;
}

function readErrorBody(body: unknown): ErrorBody {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      // Not JSON: an HTML error page or plain text; keep a bounded excerpt as the message.
      const text = body.trim().slice(0, 500);
      return text ? { message: text } : {};
    }
  }
  if (typeof value !== "object" || value === null) return {};
  const outer = value as Record<string, unknown>;
  const inner = outer.error;
  const record = (typeof inner === "object" && inner !== null ? inner : outer) as Record<string, unknown>;
  const type = typeof record.type === "string" && record.type !== "error" ? record.type : undefined;
  const errorCode = typeof record.code === "string" ? record.code : undefined;
  const message =
    typeof record.message === "string"
      ? record.message
      : typeof inner === "string" && inner.trim()
        ? inner
        : undefined;
  const requestId = typeof outer.request_id === "string" ? outer.request_id : undefined;
  return { type, errorCode, message, requestId };
}

function header(headers: HttpErrorInput["headers"], name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | undefined>;
  if (record[name] !== undefined) return record[name];
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : record[key];
}

/**
 * Reads `retry-after-ms`, then `retry-after` (seconds or an HTTP date), into
 * milliseconds. Returns undefined when absent or unparseable.
 */
export function parseRetryAfter(headers: HttpErrorInput["headers"], now = Date.now()): number | undefined {
  const ms = header(headers, "retry-after-ms");
  if (ms !== undefined && ms.trim() !== "" && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = header(headers, "retry-after");
  if (value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
