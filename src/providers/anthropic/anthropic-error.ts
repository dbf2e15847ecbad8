import {
  ArkyError,
  type ArkyErrorOptions,
  type CorrectionHints,
  cancelledError,
  classifyHttpError,
  type ErrorCode,
  isAbortError,
} from "../../protocol/index.js";

const PROVIDER = "anthropic";

/** What the Anthropic provider offers to fix a failed call (its corrections name these). */
export const ANTHROPIC_HINTS: CorrectionHints = { credentials: "ANTHROPIC_API_KEY or anthropic({ apiKey })" };

const CONNECTION_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);
const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

// Node's TLS verification failures: the server answered, but its certificate is not trusted.
const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** The first `code` string in an error's cause chain (Node system and undici errors carry one). */
function causeCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 6; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Whether `error` is an instance of the official SDK's error class `name` or a subclass,
 * told by class name so that this module does not load the SDK (Arky's own requests do
 * not go through it; a caller's `fetch` may still).
 */
function isSdkError(error: unknown, name: string): error is Error & Record<string, unknown> {
  if (!(error instanceof Error)) return false;
  for (
    let proto = Object.getPrototypeOf(error);
    proto && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)
  )
    if (proto.constructor?.name === name) return true;
  return false;
}

/** A stream that broke its protocol: unparseable JSON, missing terminal events, bad tool JSON. */
export function malformedResponse(message: string, cause?: unknown): ArkyError {
  return new ArkyError({
    code: "malformed-response",
    message: `Anthropic stream: ${message}`,
    details: { provider: PROVIDER },
    cause,
  });
}

/**
 * Classifies anything the SDK or the stream threw: HTTP and in-stream API errors go
 * through {@link classifyHttpError}; connection failures become `connection`, timeouts
 * `timeout`, aborts (or any failure once `signal` aborted) `cancelled`, unparseable
 * stream data `malformed-response`.
 */
export function toAnthropicError(error: unknown, signal?: AbortSignal): ArkyError {
  if (signal?.aborted || isSdkError(error, "APIUserAbortError") || isAbortError(error))
    return cancelledError(signal?.reason ?? error);
  if (ArkyError.isArkyError(error)) return error;
  const fail = (code: ErrorCode, message: string, more?: Partial<ArkyErrorOptions>) =>
    new ArkyError({ code, message, details: { provider: PROVIDER }, cause: error, ...more });
  if (isSdkError(error, "APIConnectionTimeoutError"))
    return fail("timeout", "The Anthropic API did not answer in time.");
  const code = causeCode(error);
  if (code && TLS_CODES.has(code))
    return fail(
      "connection",
      `The Anthropic API's TLS certificate was not accepted (${code}): ${messageOf(error)}`,
      {
        retryable: false,
        correction:
          "Check the base URL; for a proxy or gateway with a private CA, start Node with NODE_EXTRA_CA_CERTS=<ca.pem>.",
      },
    );
  const timedOut = code !== undefined && TIMEOUT_CODES.has(code);
  if (
    isSdkError(error, "APIConnectionError") ||
    (code && CONNECTION_CODES.has(code)) ||
    isTerminated(error)
  ) {
    const message = `Connection to the Anthropic API failed${code ? ` (${code})` : ""}: ${messageOf(error)}`;
    return fail(timedOut ? "timeout" : "connection", message);
  }
  if (timedOut) return fail("timeout", messageOf(error));
  if (isSdkError(error, "APIError"))
    return classifyHttpError({
      status: error.status as number | undefined,
      body: error.error,
      headers: error.headers as Parameters<typeof classifyHttpError>[0]["headers"],
      provider: PROVIDER,
      hints: ANTHROPIC_HINTS,
      cause: error,
    });
  if (error instanceof SyntaxError)
    return malformedResponse(`unparseable event data (${error.message})`, error);
  return fail("unknown", messageOf(error));
}

// undici reports a request that never connected as `TypeError: fetch failed` and a body
// that stopped mid-read as `TypeError: terminated`.
function isTerminated(error: unknown): boolean {
  return error instanceof TypeError && (error.message === "terminated" || error.message === "fetch failed");
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
