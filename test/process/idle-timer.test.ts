import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IdleTimer } from "../../src/process/index.js";

describe("IdleTimer", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it("fires once after ms of silence; each touch starts the count again", () => {
    const fired = vi.fn();
    const timer = new IdleTimer(1000, fired);
    vi.advanceTimersByTime(900);
    timer.touch();
    vi.advanceTimersByTime(900);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(200);
    expect(fired).toHaveBeenCalledTimes(1);
    timer.touch();
    vi.advanceTimersByTime(5000);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it("does not count while paused (the host is busy answering), and counts afresh after", () => {
    const fired = vi.fn();
    const timer = new IdleTimer(1000, fired);
    vi.advanceTimersByTime(900);
    const first = timer.pause();
    const second = timer.pause();
    vi.advanceTimersByTime(60_000);
    first();
    first();
    vi.advanceTimersByTime(60_000);
    expect(fired).not.toHaveBeenCalled();
    second();
    vi.advanceTimersByTime(999);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it("never fires when stopped, for Infinity, or beyond a Node timer's range", () => {
    const fired = vi.fn();
    new IdleTimer(1000, fired).stop();
    new IdleTimer(Number.POSITIVE_INFINITY, fired);
    new IdleTimer(2 ** 32, fired);
    vi.advanceTimersByTime(10_000);
    expect(fired).not.toHaveBeenCalled();
  });
});
