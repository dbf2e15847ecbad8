import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "@anthropic-ai/sdk";
import { describe, expect, it } from "vitest";
import { toAnthropicError } from "../../src/providers/anthropic/anthropic-error.js";

// arky/anthropic no longer loads the SDK, so it tells the SDK's errors (which a caller's
// `fetch` may still throw) apart by class name; these are the SDK's own classes.
describe("toAnthropicError: the official SDK's errors", () => {
  it("classifies them as it did when it held the SDK's classes", () => {
    expect(toAnthropicError(new APIUserAbortError()).code).toBe("cancelled");
    expect(toAnthropicError(new APIConnectionTimeoutError()).code).toBe("timeout");
    expect(toAnthropicError(new APIConnectionError({ message: "down" })).code).toBe("connection");
    const overloaded = APIError.generate(
      529,
      { type: "error", error: { type: "overloaded_error" } },
      "busy",
      new Headers(),
    );
    expect(toAnthropicError(overloaded).code).toBe("overloaded");
    expect(toAnthropicError(new Error("other")).code).toBe("unknown");
  });
});
