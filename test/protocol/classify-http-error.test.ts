import { describe, expect, it } from "vitest";
import { classifyHttpError, type ErrorCode, parseRetryAfter } from "../../src/protocol/index.js";

function anthropicBody(type: string, message: string) {
  return { type: "error", error: { type, message }, request_id: "req_body_1" };
}

function openAiBody(type: string, code: string | null, message: string) {
  return { error: { type, code, message, param: null } };
}

describe("classifyHttpError: statuses", () => {
  const cases: Array<[number, ErrorCode, boolean]> = [
    [400, "invalid-request", false],
    [401, "authentication", false],
    [403, "permission-denied", false],
    [404, "not-found", false],
    [408, "timeout", true],
    [413, "request-too-large", false],
    [422, "invalid-request", false],
    [429, "rate-limited", true],
    [500, "server-error", true],
    [502, "server-error", true],
    [503, "overloaded", true],
    [504, "timeout", true],
    [529, "overloaded", true],
  ];
  it.each(cases)("HTTP %i without a body is %s (retryable: %s)", (status, code, retryable) => {
    const error = classifyHttpError({ status });
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.httpStatus).toBe(status);
    expect(error.message).toBe(`HTTP ${status}`);
  });

  it("falls back by range for statuses it does not list", () => {
    expect(classifyHttpError({ status: 418 }).code).toBe("invalid-request");
    expect(classifyHttpError({ status: 507 }).code).toBe("server-error");
    expect(classifyHttpError({}).code).toBe("unknown");
  });
});

describe("classifyHttpError: Anthropic bodies", () => {
  it("reads type and message, and the request id from the body", () => {
    const error = classifyHttpError({
      status: 529,
      body: anthropicBody("overloaded_error", "Overloaded"),
      provider: "anthropic",
    });
    expect(error.code).toBe("overloaded");
    expect(error.message).toBe("HTTP 529: Overloaded");
    expect(error.details).toEqual({
      provider: "anthropic",
      errorType: "overloaded_error",
      requestId: "req_body_1",
    });
  });

  it("parses a JSON body given as text", () => {
    const error = classifyHttpError({
      status: 401,
      body: JSON.stringify(anthropicBody("authentication_error", "invalid x-api-key")),
    });
    expect(error.code).toBe("authentication");
    expect(error.message).toBe("HTTP 401: invalid x-api-key");
  });

  it("turns an overloaded_error body into overloaded whatever the status", () => {
    expect(classifyHttpError({ status: 500, body: anthropicBody("overloaded_error", "busy") }).code).toBe(
      "overloaded",
    );
  });

  it("detects an over-long prompt on a 400", () => {
    const error = classifyHttpError({
      status: 400,
      body: anthropicBody("invalid_request_error", "prompt is too long: 208397 tokens > 200000 maximum"),
    });
    expect(error.code).toBe("context-overflow");
    expect(error.retryable).toBe(false);
    expect(error.correction).toMatch(/compact or fork/);
  });

  it("keeps an ordinary 400 as invalid-request", () => {
    const error = classifyHttpError({
      status: 400,
      body: anthropicBody("invalid_request_error", "messages: field required"),
    });
    expect(error.code).toBe("invalid-request");
  });
});

describe("classifyHttpError: OpenAI bodies", () => {
  it("lets the status win over the body type (a 401 says invalid_request_error)", () => {
    const error = classifyHttpError({
      status: 401,
      body: openAiBody("invalid_request_error", "invalid_api_key", "Incorrect API key provided"),
    });
    expect(error.code).toBe("authentication");
    expect(error.details).toMatchObject({ errorType: "invalid_request_error", errorCode: "invalid_api_key" });
  });

  it("detects context_length_exceeded by its code even when the message says otherwise", () => {
    const error = classifyHttpError({
      status: 400,
      body: openAiBody("invalid_request_error", "context_length_exceeded", "Your input is big."),
    });
    expect(error.code).toBe("context-overflow");
  });

  it("detects context overflow from the message alone", () => {
    const error = classifyHttpError({
      status: 400,
      body: openAiBody("invalid_request_error", null, "This model's maximum context length is 8192 tokens."),
    });
    expect(error.code).toBe("context-overflow");
  });

  it("classifies a 429 rate limit as retryable, an exhausted quota as not", () => {
    const limited = classifyHttpError({
      status: 429,
      body: openAiBody("tokens", "rate_limit_exceeded", "slow"),
    });
    expect(limited.code).toBe("rate-limited");
    expect(limited.retryable).toBe(true);
    const quota = classifyHttpError({
      status: 429,
      body: openAiBody("insufficient_quota", "insufficient_quota", "You exceeded your current quota"),
    });
    expect(quota.code).toBe("rate-limited");
    expect(quota.retryable).toBe(false);
  });
});

describe("classifyHttpError: other bodies", () => {
  it("keeps a bounded excerpt of a non-JSON body", () => {
    const html = `<html><body>502 Bad Gateway${"x".repeat(2000)}</body></html>`;
    const error = classifyHttpError({ status: 502, body: html });
    expect(error.code).toBe("server-error");
    expect(error.message.startsWith("HTTP 502: <html><body>502 Bad Gateway")).toBe(true);
    expect(error.message.length).toBeLessThan(600);
  });

  it("ignores empty and non-object bodies", () => {
    expect(classifyHttpError({ status: 500, body: "   " }).message).toBe("HTTP 500");
    expect(classifyHttpError({ status: 500, body: "null" }).message).toBe("HTTP 500");
    expect(classifyHttpError({ status: 500, body: 42 }).message).toBe("HTTP 500");
  });

  it("reads a bare string error", () => {
    expect(classifyHttpError({ status: 500, body: { error: "upstream died" } }).message).toBe(
      "HTTP 500: upstream died",
    );
  });

  it("classifies in-stream errors (no status) by their type or code", () => {
    const overloaded = classifyHttpError({ body: anthropicBody("overloaded_error", "Overloaded") });
    expect(overloaded.code).toBe("overloaded");
    expect(overloaded.httpStatus).toBeUndefined();
    expect(overloaded.message).toBe("API error: Overloaded");
    expect(classifyHttpError({ body: anthropicBody("api_error", "boom") }).code).toBe("server-error");
    expect(
      classifyHttpError({ body: { type: "error", code: "rate_limit_exceeded", message: "x" } }).code,
    ).toBe("rate-limited");
    expect(classifyHttpError({ body: { error: { type: "mystery" } } })).toMatchObject({
      code: "unknown",
      message: "API error (mystery)",
    });
  });

  it("understands the error kinds the Claude Code CLI reports", () => {
    expect(classifyHttpError({ body: { type: "authentication_failed" } }).code).toBe("authentication");
    expect(classifyHttpError({ body: { type: "overloaded" } }).code).toBe("overloaded");
    expect(classifyHttpError({ body: { type: "server_error" } }).code).toBe("server-error");
  });

  it("keeps the cause", () => {
    const cause = new Error("socket");
    expect(classifyHttpError({ status: 500, cause }).cause).toBe(cause);
  });
});

describe("classifyHttpError: headers", () => {
  it("reads request ids from Headers and from plain records in any case", () => {
    expect(
      classifyHttpError({ status: 500, headers: new Headers({ "request-id": "req_1" }) }).details,
    ).toEqual({
      requestId: "req_1",
    });
    expect(classifyHttpError({ status: 500, headers: { "X-Request-Id": "req_2" } }).details).toEqual({
      requestId: "req_2",
    });
  });

  it("prefers the header request id over the body's", () => {
    const error = classifyHttpError({
      status: 529,
      body: anthropicBody("overloaded_error", "x"),
      headers: { "request-id": "req_header" },
    });
    expect(error.details?.requestId).toBe("req_header");
  });

  it("reads retry-after in seconds", () => {
    expect(classifyHttpError({ status: 429, headers: { "retry-after": "7" } }).retryAfterMs).toBe(7000);
    expect(
      classifyHttpError({ status: 429, headers: new Headers({ "Retry-After": "1.5" }) }).retryAfterMs,
    ).toBe(1500);
  });

  it("prefers retry-after-ms", () => {
    const headers = { "retry-after-ms": "250", "retry-after": "9" };
    expect(classifyHttpError({ status: 429, headers }).retryAfterMs).toBe(250);
  });

  it("reads retry-after as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const headers = { "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" };
    expect(parseRetryAfter(headers, now)).toBe(30_000);
    expect(parseRetryAfter({ "retry-after": "Wed, 31 Dec 2025 00:00:00 GMT" }, now)).toBe(0);
  });

  it("ignores missing, empty and garbage values", () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter({ "retry-after": "" })).toBeUndefined();
    expect(parseRetryAfter({ "retry-after": "soon" })).toBeUndefined();
    expect(parseRetryAfter({ "retry-after-ms": "abc", "retry-after": "2" })).toBe(2000);
    expect(parseRetryAfter({ "retry-after": "-5" })).toBe(0);
  });
});

describe("classifyHttpError: corrections", () => {
  const withCorrection: Array<[number, ErrorCode]> = [
    [401, "authentication"],
    [403, "permission-denied"],
    [404, "not-found"],
    [413, "request-too-large"],
    [429, "rate-limited"],
    [529, "overloaded"],
  ];
  it.each(withCorrection)("HTTP %i (%s) carries a correction", (status, code) => {
    const error = classifyHttpError({ status });
    expect(error.code).toBe(code);
    expect(error.correction).toEqual(expect.any(String));
    expect(error.correction!.length).toBeGreaterThan(10);
  });

  it("never puts a header value such as an API key into the error", () => {
    const error = classifyHttpError({ status: 401, headers: { "x-api-key": "sk-ant-secret" } });
    expect(JSON.stringify(error.toJSON())).not.toContain("sk-ant-secret");
  });
});

describe("classifyHttpError: corrections fit the runtime", () => {
  it("names the runtime's credentials, and a fallback model only where the runtime has the option", () => {
    const hints = { credentials: "CODEX_API_KEY", fallbackOption: "fallbackModel" };
    expect(classifyHttpError({ status: 401, hints }).correction).toContain("CODEX_API_KEY");
    expect(classifyHttpError({ status: 401 }).correction).not.toContain("ANTHROPIC_API_KEY");
    expect(classifyHttpError({ status: 529, hints }).correction).toContain("`fallbackModel`");
    expect(classifyHttpError({ status: 529, hints: { credentials: "x" } }).correction).not.toMatch(
      /fallback/i,
    );
    // The code does not depend on the hints.
    expect(classifyHttpError({ status: 529, hints }).code).toBe("overloaded");
  });
});
