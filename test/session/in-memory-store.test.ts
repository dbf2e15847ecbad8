import { describe, expect, it } from "vitest";
import { ArkyError } from "../../src/protocol/index.js";
import { assertAppendable, forkPoint, InMemorySessionStore } from "../../src/session/index.js";
import { collect, expectArkyError, stamp, textTurn } from "./events.js";
import { describeSessionStoreContract } from "./store-contract.js";

describeSessionStoreContract("InMemorySessionStore", async (now) => ({
  store: new InMemorySessionStore({ now }),
  cleanup: async () => {},
}));

describe("InMemorySessionStore specifics", () => {
  it("ends a tail with session-not-found when its session is deleted", async () => {
    const store = new InMemorySessionStore();
    await store.create("s1");
    const controller = new AbortController();
    const tailing = collect(store.tail("s1", { signal: controller.signal }));
    await store.append("s1", stamp("s1", textTurn("x")));
    await store.delete("s1");
    await expectArkyError(tailing, "session-not-found");
    controller.abort();
  });

  it("keeps sessions apart between instances", async () => {
    const a = new InMemorySessionStore();
    const b = new InMemorySessionStore();
    await a.create("s1");
    expect(await b.get("s1")).toBeUndefined();
  });
});

describe("metadata helpers", () => {
  it("assertAppendable names the expected and actual seq", () => {
    const events = stamp("s1", textTurn("x"), { firstSeq: 4 });
    expect(() => assertAppendable("s1", 3, events)).not.toThrow();
    try {
      assertAppendable("s1", 2, events);
      expect.unreachable();
    } catch (error) {
      expect(ArkyError.isArkyError(error) && error.code).toBe("session-conflict");
      expect((error as ArkyError).details).toEqual({ sessionId: "s1", expectedSeq: 3, actualSeq: 4 });
    }
  });

  it("forkPoint defaults to and clamps at the last seq, and refuses bad values", () => {
    expect(forkPoint("s", undefined, 7)).toBe(7);
    expect(forkPoint("s", 3, 7)).toBe(3);
    expect(forkPoint("s", 9, 7)).toBe(7);
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => forkPoint("s", bad, 7)).toThrow(/Cannot fork session s/);
    }
  });
});
