import { describe, expect, it } from "vitest";
import { ArkyError, cancelledError } from "../../src/protocol/index.js";
import { failedTurnEnd, WorkChain } from "../../src/provider/index.js";

describe("WorkChain", () => {
  it("runs steps in the order added, each after the previous one settled, even a slow one", async () => {
    const log: string[] = [];
    const chain = new WorkChain(() => {});
    void chain.run(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      log.push("slow");
    });
    await chain.run(() => void log.push("fast"));
    expect(log).toEqual(["slow", "fast"]);
  });

  it("reports a throwing step once, classified, and goes on with the next", async () => {
    const errors: ArkyError[] = [];
    const chain = new WorkChain((error) => errors.push(error));
    const failed = chain.run(() => {
      throw new Error("bad line");
    });
    const after = chain.run(() => {
      throw new ArkyError({ code: "tool-denied", message: "no" });
    });
    await expect(failed).resolves.toBeUndefined();
    await after;
    expect(errors.map((e) => e.code)).toEqual(["protocol", "tool-denied"]);
    expect(errors[0]!.message).toContain("bad line");
  });
});

describe("failedTurnEnd", () => {
  it("gives a failed turn a fatal error, then a turn-end with the error and what was used", () => {
    const error = new ArkyError({ code: "overloaded", message: "busy" });
    const [first, end] = failedTurnEnd(error, { durationMs: 5, modelCalls: 2, raw: "api_error" });
    expect(first).toMatchObject({
      type: "error",
      fatal: true,
      error: { code: "overloaded", retryable: true },
    });
    expect(end).toMatchObject({
      type: "turn-end",
      stopReason: { unified: "error", raw: "api_error" },
      durationMs: 5,
      modelCalls: 2,
      error: { code: "overloaded" },
    });
  });

  it("gives a cancelled turn only its turn-end, and derives the stop reason from the code", () => {
    const cancelled = failedTurnEnd(cancelledError());
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]).toMatchObject({
      stopReason: { unified: "cancelled" },
      error: { code: "cancelled" },
    });
    const overflow = failedTurnEnd(new ArkyError({ code: "context-overflow", message: "too long" }));
    expect(overflow[1]).toMatchObject({ stopReason: { unified: "context-overflow" } });
  });
});
