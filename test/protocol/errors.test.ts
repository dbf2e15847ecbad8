import { describe, expect, it, vi } from "vitest";
import {
  ArkyError,
  cancelledError,
  deserializeError,
  ERROR_CODES,
  type ErrorCode,
  isAbortError,
  isErrorCode,
  type SerializedError,
  serializeError,
  toArkyError,
} from "../../src/protocol/index.js";

describe("ArkyError identity", () => {
  it("is recognised across a second instance of the module", async () => {
    vi.resetModules();
    const copy = await import("../../src/protocol/errors.js");
    expect(copy.ArkyError).not.toBe(ArkyError);
    const foreign = new copy.ArkyError({ code: "overloaded", message: "busy" });
    expect(foreign instanceof ArkyError).toBe(false);
    expect(ArkyError.isArkyError(foreign)).toBe(true);
    expect(copy.ArkyError.isArkyError(new ArkyError({ code: "timeout", message: "slow" }))).toBe(true);
    expect(toArkyError(foreign)).toBe(foreign);
  });

  it("is recognised by the global brand alone, not by shape", () => {
    const branded = { [Symbol.for("arky.error")]: true, code: "unknown", message: "x" };
    expect(ArkyError.isArkyError(branded)).toBe(true);
    const lookalike = { name: "ArkyError", code: "unknown", message: "x", retryable: false };
    expect(ArkyError.isArkyError(lookalike)).toBe(false);
    expect(ArkyError.isArkyError(new Error("plain"))).toBe(false);
    expect(ArkyError.isArkyError(null)).toBe(false);
    expect(ArkyError.isArkyError("ArkyError")).toBe(false);
  });

  it("is an Error with a name, a message and a cause", () => {
    const cause = new Error("root");
    const error = new ArkyError({ code: "connection", message: "reset", cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ArkyError");
    expect(error.message).toBe("reset");
    expect(error.cause).toBe(cause);
    expect(error.stack).toContain("ArkyError");
    expect("cause" in new ArkyError({ code: "unknown", message: "x" })).toBe(false);
  });
});

describe("ArkyError retryable", () => {
  it.each(Object.entries(ERROR_CODES))("%s defaults to the code table", (code, entry) => {
    expect(new ArkyError({ code: code as ErrorCode, message: "m" }).retryable).toBe(entry.retryable);
  });

  it("retries exactly the transient failures", () => {
    const retryable = Object.entries(ERROR_CODES)
      .filter(([, entry]) => entry.retryable)
      .map(([code]) => code)
      .sort();
    expect(retryable).toEqual([
      "connection",
      "malformed-response",
      "overloaded",
      "rate-limited",
      "server-error",
      "timeout",
    ]);
  });

  it("can be overridden either way", () => {
    expect(new ArkyError({ code: "rate-limited", message: "m", retryable: false }).retryable).toBe(false);
    expect(new ArkyError({ code: "unknown", message: "m", retryable: true }).retryable).toBe(true);
  });

  it("knows its codes", () => {
    expect(isErrorCode("overloaded")).toBe(true);
    expect(isErrorCode("toString")).toBe(false);
    expect(isErrorCode("nope")).toBe(false);
    expect(isErrorCode(3)).toBe(false);
  });
});

describe("serializeError / deserializeError", () => {
  it("round-trips every field through JSON", () => {
    const error = new ArkyError({
      code: "rate-limited",
      message: "HTTP 429: slow down",
      retryable: false,
      httpStatus: 429,
      retryAfterMs: 1500,
      correction: "wait",
      details: { requestId: "req_1", nested: { a: [1, 2] } },
      cause: new Error("not serialised"),
    });
    const data = JSON.parse(JSON.stringify(error)) as SerializedError;
    expect(data).toEqual({
      code: "rate-limited",
      message: "HTTP 429: slow down",
      retryable: false,
      httpStatus: 429,
      retryAfterMs: 1500,
      correction: "wait",
      details: { requestId: "req_1", nested: { a: [1, 2] } },
    });
    const back = deserializeError(data);
    expect(ArkyError.isArkyError(back)).toBe(true);
    expect(serializeError(back)).toEqual(data);
  });

  it("leaves absent optional fields out", () => {
    expect(serializeError(new ArkyError({ code: "timeout", message: "slow" }))).toEqual({
      code: "timeout",
      message: "slow",
      retryable: true,
    });
  });

  it("turns an unknown stored code into unknown", () => {
    const back = deserializeError({ code: "from-the-future" as ErrorCode, message: "m", retryable: true });
    expect(back.code).toBe("unknown");
    expect(back.retryable).toBe(true);
  });
});

describe("toArkyError and aborts", () => {
  it("passes ArkyErrors through", () => {
    const error = new ArkyError({ code: "hook", message: "h" });
    expect(toArkyError(error, "store")).toBe(error);
  });

  it("turns a signal's abort reason into cancelled", () => {
    const controller = new AbortController();
    controller.abort();
    const error = toArkyError(controller.signal.reason);
    expect(error.code).toBe("cancelled");
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(controller.signal.reason);
  });

  it("recognises SDK aborts and aborts wrapped in a cause", () => {
    const sdkAbort = Object.assign(new Error("Request was aborted."), { name: "APIUserAbortError" });
    expect(toArkyError(sdkAbort).code).toBe("cancelled");
    const wrapped = new Error("outer", { cause: new DOMException("stop", "AbortError") });
    expect(isAbortError(wrapped)).toBe(true);
    expect(isAbortError(new Error("outer", { cause: new Error("inner") }))).toBe(false);
    expect(isAbortError(cancelledError())).toBe(true);
    expect(isAbortError(new ArkyError({ code: "timeout", message: "t" }))).toBe(false);
  });

  it("turns an AbortSignal.timeout() reason into a retryable timeout", async () => {
    const signal = AbortSignal.timeout(1);
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    const error = toArkyError(signal.reason);
    expect(error.code).toBe("timeout");
    expect(error.retryable).toBe(true);
    expect(error.cause).toBe(signal.reason);
  });

  it("does not loop forever on a cause cycle", () => {
    const a = new Error("a") as Error & { cause?: unknown };
    const b = new Error("b", { cause: a });
    a.cause = b;
    expect(isAbortError(a)).toBe(false);
  });

  it("wraps anything else with the fallback code and keeps the original", () => {
    const cause = new TypeError("bad");
    const error = toArkyError(cause, "store");
    expect(error).toMatchObject({ code: "store", message: "bad" });
    expect(error.cause).toBe(cause);
    expect(toArkyError("just text")).toMatchObject({ code: "unknown", message: "just text" });
    expect(toArkyError(undefined).message).toBe("undefined");
  });
});
