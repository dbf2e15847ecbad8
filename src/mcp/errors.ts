import { McpError, ErrorCode as McpErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { ArkyError, isAbortError } from "../protocol/index.js";

/** Why a call failed, as far as the connection is concerned. */
export interface ClassifiedMcpError {
  error: ArkyError;
  /** The connection is unusable (closed, session lost, unreachable); reconnect before the next call. */
  connectionLost: boolean;
  /** The server no longer knows our session (it restarted): safe to reconnect and retry at once. */
  sessionExpired: boolean;
}

/**
 * Maps what the MCP SDK threw for a request to a classified ArkyError: a timeout is
 * `tool-timeout`, schema-invalid frames are `protocol`, a closed or unreachable server
 * is `tool-execution` with `details.reason`. Aborts pass through as `cancelled`.
 */
export function classifyMcpError(
  thrown: unknown,
  context: { server: string; what: string },
): ClassifiedMcpError {
  const prefix = `MCP server "${context.server}" (${context.what})`;
  const result = (error: ArkyError, connectionLost = false, sessionExpired = false) => ({
    error,
    connectionLost,
    sessionExpired,
  });
  if (ArkyError.isArkyError(thrown)) return result(thrown, thrown.details?.reason === "connection-closed");
  if (thrown instanceof McpError) {
    if (thrown.code === McpErrorCode.RequestTimeout)
      return result(
        new ArkyError({ code: "tool-timeout", message: `${prefix} did not answer in time.`, cause: thrown }),
      );
    if (thrown.code === McpErrorCode.ConnectionClosed) return result(connectionClosed(prefix, thrown), true);
    return result(
      new ArkyError({
        code: "tool-execution",
        message: `${prefix} failed: ${thrown.message}`,
        details: { mcpCode: thrown.code },
        cause: thrown,
      }),
    );
  }
  if (isAbortError(thrown))
    return result(
      new ArkyError({ code: "cancelled", message: "The MCP call was cancelled.", cause: thrown }),
    );
  if (isSchemaError(thrown))
    return result(
      new ArkyError({
        code: "protocol",
        message: `${prefix} sent a malformed message: ${(thrown as Error).message.slice(0, 500)}`,
        cause: thrown,
      }),
    );
  const status = (thrown as { code?: unknown }).code;
  if (typeof status === "number" && status === 404)
    return result(connectionClosed(prefix, thrown, "the server no longer knows this session"), true, true);
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return result(
    new ArkyError({
      code: "tool-execution",
      message: `${prefix} failed: ${message}`,
      details: { reason: "connection-failed", ...(typeof status === "number" ? { httpStatus: status } : {}) },
      cause: thrown,
    }),
    true,
  );
}

/** Whether an error is a zod validation failure (a frame that is JSON but not a valid MCP message). */
export function isSchemaError(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === "ZodError" || name === "$ZodError" || (error instanceof Error && "issues" in error);
}

/** The error of a call whose server connection closed before it answered. */
export function connectionClosed(prefix: string, cause?: unknown, why = "the connection closed"): ArkyError {
  return new ArkyError({
    code: "tool-execution",
    message: `${prefix} failed: ${why} before it answered.`,
    correction: "The server will be restarted on the next call; retry if the tool is safe to repeat.",
    details: { reason: "connection-closed" },
    cause,
  });
}
