import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  StreamWatchdog,
} from "../../src/providers/anthropic/stream-watchdog.js";

// The defaults are minutes long: fake timers (and clock) let the test reach them.
describe("StreamWatchdog defaults (no timeoutMs)", () => {
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ["setInterval", "clearInterval", "setTimeout", "clearTimeout", "performance"],
    });
  });
  afterEach(() => vi.useRealTimers());

  it("ends a stream silent after its headers with timeout after the default idle limit", () => {
    const watchdog = new StreamWatchdog(undefined, undefined);
    vi.advanceTimersByTime(60_000);
    watchdog.headersReceived();
    vi.advanceTimersByTime(DEFAULT_STREAM_IDLE_TIMEOUT_MS - 2000);
    expect(watchdog.signal.aborted).toBe(false);
    vi.advanceTimersByTime(3000);
    expect(watchdog.timedOut).toBe(true);
    expect(watchdog.signal.reason).toMatchObject({
      code: "timeout",
      message: `The Anthropic API sent nothing for ${DEFAULT_STREAM_IDLE_TIMEOUT_MS} ms.`,
    });
  });

  it("counts stream silence from the last event, not while the consumer works", () => {
    const watchdog = new StreamWatchdog(undefined, undefined);
    watchdog.headersReceived();
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(DEFAULT_STREAM_IDLE_TIMEOUT_MS - 5000);
      watchdog.pause();
      vi.advanceTimersByTime(DEFAULT_STREAM_IDLE_TIMEOUT_MS);
      watchdog.resume();
    }
    expect(watchdog.signal.aborted).toBe(false);
    watchdog.dispose();
  });

  it("still waits up to the headers default before the headers", () => {
    const watchdog = new StreamWatchdog(undefined, undefined);
    vi.advanceTimersByTime(DEFAULT_HEADERS_TIMEOUT_MS - 2000);
    expect(watchdog.signal.aborted).toBe(false);
    vi.advanceTimersByTime(3000);
    expect(watchdog.signal.reason).toMatchObject({ code: "timeout" });
  });

  it("waits forever with timeoutMs Infinity", () => {
    const watchdog = new StreamWatchdog(Number.POSITIVE_INFINITY, undefined);
    watchdog.headersReceived();
    vi.advanceTimersByTime(DEFAULT_HEADERS_TIMEOUT_MS * 3);
    expect(watchdog.signal.aborted).toBe(false);
    watchdog.dispose();
  });
});
