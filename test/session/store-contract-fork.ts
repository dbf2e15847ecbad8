import { describe, expect, it } from "vitest";
import type { SessionStore } from "../../src/session/index.js";
import { collect, expectArkyError, stamp, textTurn, toolTurn, usage } from "./events.js";

/** The fork part of the SessionStore contract; `ctx.store` is the fresh store of the running test. */
export function describeForkContract(ctx: { readonly store: SessionStore }): void {
  describe("fork", () => {
    const seed = async () => {
      const store = ctx.store;
      await store.create("src", { title: "Source", tags: ["t"], runtimeState: { threadId: "thr" } });
      const first = stamp("src", toolTurn("one", usage(100, 20), 0.01));
      const second = stamp("src", textTurn("two", usage(10, 5), 0.002), { firstSeq: 12, turnId: "turn_2" });
      await store.append("src", [...first, ...second]);
      return { store, all: [...first, ...second] };
    };

    it("copies the prefix up to atSeq into a new, linked session with events re-keyed", async () => {
      const { store, all } = await seed();
      const fork = await store.fork("src", { atSeq: 11 });
      expect(fork.sessionId).not.toBe("src");
      expect(fork.sessionId.length).toBeGreaterThan(0);
      expect(fork).toMatchObject({
        parentSessionId: "src",
        forkedAtSeq: 11,
        lastSeq: 11,
        title: "Source",
        tags: ["t"],
        runtime: "native",
        runtimeState: { threadId: "thr" },
        usage: usage(100, 20),
      });
      expect(fork.costUsd).toBeCloseTo(0.01);
      expect(await store.get(fork.sessionId)).toEqual(fork);
      const copied = await collect(store.read(fork.sessionId));
      expect(copied).toEqual(all.slice(0, 11).map((e) => ({ ...e, sessionId: fork.sessionId })));
    });

    it("leaves the source untouched and lets both grow independently", async () => {
      const { store, all } = await seed();
      const fork = await store.fork("src", { atSeq: 11, newSessionId: "branch" });
      expect(fork.sessionId).toBe("branch");
      await store.append("branch", stamp("branch", textTurn("alt"), { firstSeq: 12, turnId: "turn_alt" }));
      expect(await collect(store.read("src"))).toEqual(all);
      expect((await store.get("src"))?.lastSeq).toBe(15);
      expect((await store.get("src"))?.parentSessionId).toBeUndefined();
      expect((await collect(store.read("branch"))).map((e) => e.seq)).toEqual(
        Array.from({ length: 15 }, (_, i) => i + 1),
      );
      await store.delete("src");
      expect((await collect(store.read("branch"))).length).toBe(15);
    });

    it("copies everything by default and clamps atSeq to the last seq", async () => {
      const { store, all } = await seed();
      const whole = await store.fork("src");
      expect(whole).toMatchObject({ lastSeq: 15, forkedAtSeq: 15 });
      expect((await collect(store.read(whole.sessionId))).length).toBe(all.length);
      const clamped = await store.fork("src", { atSeq: 1000 });
      expect(clamped).toMatchObject({ lastSeq: 15, forkedAtSeq: 15 });
    });

    it("forks an empty session at seq 0", async () => {
      const { store } = await seed();
      const empty = await store.fork("src", { atSeq: 0 });
      expect(empty).toMatchObject({ lastSeq: 0, forkedAtSeq: 0, parentSessionId: "src", costUsd: 0 });
      expect(await collect(store.read(empty.sessionId))).toEqual([]);
    });

    it("refuses a negative or fractional atSeq with a configuration error", async () => {
      const { store } = await seed();
      await expectArkyError(store.fork("src", { atSeq: -1, newSessionId: "neg" }), "configuration");
      await expectArkyError(store.fork("src", { atSeq: 2.5, newSessionId: "frac" }), "configuration");
      expect(await store.get("neg")).toBeUndefined();
      expect(await store.get("frac")).toBeUndefined();
    });

    it("fails with session-not-found for an unknown source and creates nothing", async () => {
      const store = ctx.store;
      await expectArkyError(store.fork("nope", { newSessionId: "child" }), "session-not-found");
      expect(await store.get("child")).toBeUndefined();
    });

    it("refuses an existing target id with session-conflict and changes nothing", async () => {
      const { store } = await seed();
      await store.create("taken", { title: "Taken" });
      await expectArkyError(store.fork("src", { newSessionId: "taken" }), "session-conflict");
      expect(await store.get("taken")).toMatchObject({ title: "Taken", lastSeq: 0 });
      expect(await collect(store.read("taken"))).toEqual([]);
    });
  });
}
