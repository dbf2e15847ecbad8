import { ArkyError, type CorrectionHints, classifyHttpError, type ErrorCode } from "../../protocol/index.js";
import { transportErrorCode } from "../../provider/index.js";
import { type CodexRpcErrorBody, type CodexTurnError, errorNotificationSchema } from "./codex-messages.js";
import type { CodexModelProvider } from "./codex-options.js";

/** What Codex offers to fix a failed model call: its credentials come from its provider. */
export function codexErrorHints(provider: CodexModelProvider | undefined): CorrectionHints {
  if (!provider)
    return { credentials: "Codex's own login (`codex login`, kept in CODEX_HOME) or CODEX_API_KEY" };
  if (!provider.envKey)
    return {
      credentials: "the key of modelProvider; name the variable holding it with modelProvider.envKey",
    };
  return { credentials: `${provider.envKey} (modelProvider.envKey), the key of ${provider.baseUrl}` };
}

const NAMED_CODES: Record<string, ErrorCode> = {
  contextWindowExceeded: "context-overflow",
  sessionBudgetExceeded: "budget-exceeded",
  usageLimitExceeded: "rate-limited",
  rateLimitExceeded: "rate-limited",
  serverOverloaded: "overloaded",
  modelNotFound: "not-found",
  internalServerError: "server-error",
  unauthorized: "authentication",
  badRequest: "invalid-request",
};

function httpStatusOf(info: unknown): number | undefined {
  if (typeof info !== "object" || info === null) return undefined;
  for (const value of Object.values(info)) {
    const status = (value as { httpStatusCode?: unknown } | null)?.httpStatusCode;
    if (typeof status === "number") return status;
  }
  return undefined;
}

/**
 * Classifies a Codex turn failure (`error` notification or `turn.error`) into an
 * {@link ArkyError}: an upstream HTTP status goes through `classifyHttpError` like every
 * other runtime's API failures; named Codex errors and known message shapes map to their
 * codes. Codex has already retried by then, so the error reports the final state.
 */
export function classifyCodexTurnError(error: CodexTurnError, hints?: CorrectionHints): ArkyError {
  const info = error.codexErrorInfo;
  const details: Record<string, unknown> = { provider: "codex" };
  if (info !== undefined && info !== null) details.codexErrorInfo = info;
  if (error.additionalDetails) details.additionalDetails = error.additionalDetails;
  const status = httpStatusOf(info);
  if (status !== undefined) {
    const classified = classifyHttpError({ status, body: error.message, provider: "codex", hints });
    return new ArkyError({
      code: classified.code,
      message: error.message,
      httpStatus: status,
      correction: classified.correction,
      details,
    });
  }
  const bodyError = embeddedApiError(error.message, hints);
  if (bodyError)
    return new ArkyError({
      code: bodyError.code,
      message: error.message,
      correction: bodyError.correction,
      details,
    });
  const named = typeof info === "string" ? NAMED_CODES[info] : undefined;
  const text = `${error.message} ${error.additionalDetails ?? ""}`;
  const code = named ?? transportErrorCode(text) ?? "unknown";
  return new ArkyError({ code, message: error.message, details });
}

// A 400 arrives as `other` whose message is the response body verbatim.
function embeddedApiError(message: string, hints: CorrectionHints | undefined): ArkyError | undefined {
  const start = message.indexOf("{");
  if (start === -1) return undefined;
  try {
    const body: unknown = JSON.parse(message.slice(start));
    if (typeof body !== "object" || body === null || !("error" in body)) return undefined;
    const classified = classifyHttpError({ body, provider: "codex", hints });
    return classified.code === "unknown" ? undefined : classified;
  } catch {
    // Not a JSON body after all: classified by message below.
    return undefined;
  }
}

/**
 * A JSON-RPC error answer from the app server. Every error seen used code -32600, so the
 * message decides: an unknown thread becomes `session-not-found`, anything else
 * `invalid-request` — the code Claude Code's refused control requests get too.
 */
export function codexRpcError(method: string, error: CodexRpcErrorBody): ArkyError {
  const notFound = /thread not found|no rollout found|invalid thread id/i.test(error.message);
  return new ArkyError({
    code: notFound ? "session-not-found" : "invalid-request",
    message: `Codex refused ${method}: ${error.message}`,
    correction: notFound
      ? "The Codex thread does not exist in this CODEX_HOME; start a new session."
      : undefined,
    details: { provider: "codex", method, rpcCode: error.code },
  });
}

/**
 * Codex waits for the network without end when the model API refuses connections
 * (`Reconnecting... waiting for network`, with growing pauses). The error of such a wait,
 * or undefined for any other notice: Arky ends the turn with it once the waits exceed the
 * request retries, as the other runtimes give up on a refused connection.
 */
export function networkWaitError(params: unknown): ArkyError | undefined {
  const parsed = errorNotificationSchema.safeParse(params);
  if (!parsed.success || !parsed.data.willRetry) return undefined;
  const { error } = parsed.data;
  if (!/waiting for network/i.test(error.message)) return undefined;
  return new ArkyError({
    code: "connection",
    message: `Codex could not reach the model API (${error.additionalDetails ?? error.message}).`,
    correction:
      "Check that the model API is reachable (modelProvider.baseUrl); raise retry.requestMaxRetries to wait longer.",
    details: { provider: "codex", codexErrorInfo: error.codexErrorInfo },
  });
}

/** Notifications that belong to one thread's turn (and must carry its `threadId`). */
const TURN_SCOPED = /^(item|turn)\//;

/**
 * The `protocol` error for a turn's notification that names no thread (it cannot be routed:
 * say so rather than drop it), or `undefined` for a notification that needs no thread.
 */
export function unroutedNotification(method: string, params: unknown): ArkyError | undefined {
  if (typeof (params as { threadId?: unknown } | null)?.threadId === "string" || !TURN_SCOPED.test(method))
    return undefined;
  return new ArkyError({
    code: "protocol",
    message: `Codex sent a ${method} notification without a thread id; it was skipped.`,
    details: { provider: "codex", method },
  });
}
