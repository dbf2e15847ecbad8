/** Anthropic error types by HTTP status, as the Messages API sends them. */
const TYPE_BY_STATUS: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

const STATUS_BY_TYPE: Record<string, number> = Object.fromEntries(
  Object.entries(TYPE_BY_STATUS).map(([status, type]) => [type, Number(status)]),
);

const DEFAULT_MESSAGES: Record<string, string> = {
  invalid_request_error: "Invalid request",
  authentication_error: "invalid x-api-key",
  billing_error: "Your credit balance is too low",
  permission_error: "Your API key does not have permission to use the specified resource.",
  not_found_error: "Not found",
  request_too_large: "Request exceeds the maximum allowed number of bytes.",
  rate_limit_error: "Number of request tokens has exceeded your per-minute rate limit",
  api_error: "Internal server error",
  timeout_error: "Request timed out",
  overloaded_error: "Overloaded",
};

/** The error type the API uses for a status (`invalid_request_error` / `api_error` otherwise). */
export function anthropicErrorType(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

/** The status the API uses for an error type (500 when unknown). */
export function anthropicErrorStatus(type: string): number {
  return STATUS_BY_TYPE[type] ?? 500;
}

/** The Anthropic error body: `{"type":"error","error":{"type","message"}}`. */
export function anthropicErrorBody(type: string, message?: string) {
  return { type: "error", error: { type, message: message ?? DEFAULT_MESSAGES[type] ?? type } } as const;
}
