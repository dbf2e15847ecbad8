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
  cause?: unknown;
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
};

const CORRECTIONS: Partial<Record<ErrorCode, string>> = {
  authentication: "Check the API key (ANTHROPIC_API_KEY or the provider's `apiKey` option).",
  "permission-denied": "The API key is valid but not allowed to use this model or resource.",
  "not-found": "Check the model id and the base URL.",
  "request-too-large": "Send fewer or smaller attachments, or shorten the conversation.",
  "context-overflow": "Shorten the conversation (compact or fork it) or use a model with a larger context.",
  "rate-limited": "Slow down, or raise the retry limits; the request can be retried later.",
  overloaded: "The API is busy; retry later or configure a fallback model.",
};

// Providers report an over-long prompt as a plain 400; the message is the only signal.
const CONTEXT_OVERFLOW = /prompt is too long|context (length|window)|maximum context|too many tokens/i;

/**
 * Maps a failed API call (HTTP status, body, headers) to a classified {@link ArkyError}.
 * Every runtime uses this one function, so the same failure gets the same code
 * everywhere. Understands Anthropic (`{type:"error",error:{type,message}}`) and OpenAI
 * (`{error:{type,code,message}}`) bodies, and errors without a status (in-stream
 * `error` events).
 */
export function classifyHttpError(input: HttpErrorInput): ArkyError {
  const { status, body, headers, provider, cause } = input;
  const { type, message } = readErrorBody(body);
  let code: ErrorCode =
    (type && TYPE_CODES[type]) || (status !== undefined ? STATUS_CODES[status] : undefined) || "unknown";
  if (status !== undefined && status >= 500 && code === "unknown") code = "server-error";
  if (status !== undefined && status >= 400 && status < 500 && code === "unknown") code = "invalid-request";
  if (status === 529 || type === "overloaded_error") code = "overloaded";
  if (
    (code === "invalid-request" || code === "request-too-large") &&
    message &&
    CONTEXT_OVERFLOW.test(message)
  )
    code = "context-overflow";

  const details: Record<string, unknown> = {};
  if (provider) details.provider = provider;
  if (type) details.errorType = type;
  const requestId = header(headers, "request-id") ?? header(headers, "x-request-id");
  if (requestId) details.requestId = requestId;

  const what = status !== undefined ? `HTTP ${status}` : "API error";
  return new ArkyError({
    code,
    message: message ? `${what}: ${message}` : `${what}${type ? ` (${type})` : ""}`,
    httpStatus: status,
    retryAfterMs: parseRetryAfter(headers),
    correction: CORRECTIONS[code],
    details: Object.keys(details).length ? details : undefined,
    cause,
  });
}

function readErrorBody(body: unknown): { type?: string; message?: string } {
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
  const inner = (value as { error?: unknown }).error;
  const source = typeof inner === "object" && inner !== null ? inner : value;
  const record = source as Record<string, unknown>;
  const type =
    typeof record.type === "string" ? record.type : typeof record.code === "string" ? record.code : undefined;
  const message = typeof record.message === "string" ? record.message : undefined;
  return { type: type === "error" ? undefined : type, message };
}

function header(headers: HttpErrorInput["headers"], name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | undefined>;
  return record[name] ?? record[name.toLowerCase()];
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
