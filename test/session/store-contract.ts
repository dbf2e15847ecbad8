import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/protocol/index.js";
import type { SessionStore } from "../../src/session/index.js";
import { collect, expectArkyError, manualClock, stamp, textTurn, toolTurn, usage } from "./events.js";
import { describeForkContract } from "./store-contract-fork.js";
import { describeDeltaRunContract } from "./store-contract-runs.js";
import { describeTailContract } from "./store-contract-tail.js";

/** What a contract run needs: a fresh, empty store on the clock `now`, and a way to dispose of it. */
export type MakeStore = (now: () => number) => Promise<{ store: SessionStore; cleanup: () => Promise<void> }>;

/**
 * The behaviour every {@link SessionStore} must have. Each store's test file calls this
 * with a factory of fresh, empty stores:
 *
 * @example
 * describeSessionStoreContract("SqliteSessionStore", async (now) => {
 *   const dir = await mkdtemp(join(tmpdir(), "arky-"));
 *   const store = new SqliteSessionStore({ path: join(dir, "s.db"), now });
 *   return { store, cleanup: async () => { await store.close(); await rm(dir, { recursive: true }); } };
 * });
 */
export function describeSessionStoreContract(name: string, makeStore: MakeStore): void {
  describe(`SessionStore contract: ${name}`, () => {
    let store: SessionStore;
    let cleanup: () => Promise<void>;
    const clock = manualClock();
    beforeEach(async () => {
      ({ store, cleanup } = await makeStore(clock.now));
    });
    afterEach(async () => {
      await cleanup();
    });
    const ctx = {
      get store() {
        return store;
      },
    };

    describe("create and get", () => {
      it("creates an empty session with defaults and the given metadata", async () => {
        const meta = await store.create("s1", {
          title: "Hello",
          runtime: "native",
          model: "claude-sonnet-4-5",
          cwd: "/tmp/x",
          tags: ["a", "b"],
          runtimeState: { threadId: "thr_1", nested: { n: 1 } },
        });
        expect(meta).toMatchObject({
          sessionId: "s1",
          title: "Hello",
          runtime: "native",
          model: "claude-sonnet-4-5",
          cwd: "/tmp/x",
          tags: ["a", "b"],
          lastSeq: 0,
          usage: usage(0, 0),
          costUsd: 0,
          runtimeState: { threadId: "thr_1", nested: { n: 1 } },
        });
        expect(meta.parentSessionId).toBeUndefined();
        expect(meta.createdAt).toEqual(expect.any(Number));
        expect(meta.updatedAt).toBeGreaterThanOrEqual(meta.createdAt);
        expect(await store.get("s1")).toEqual(meta);
        expect(await collect(store.read("s1"))).toEqual([]);
      });

      it("creates with no metadata", async () => {
        expect(await store.create("bare")).toMatchObject({ sessionId: "bare", tags: [], lastSeq: 0 });
      });

      it("refuses an existing id with session-conflict and keeps the original", async () => {
        await store.create("s1", { title: "first" });
        await expectArkyError(store.create("s1", { title: "second" }), "session-conflict");
        expect((await store.get("s1"))?.title).toBe("first");
      });

      it("returns undefined for an unknown session", async () => {
        expect(await store.get("nope")).toBeUndefined();
      });

      it("hands out copies: mutating returned metadata changes nothing stored", async () => {
        const meta = await store.create("s1", { tags: ["x"] });
        meta.tags.push("mutated");
        meta.usage.inputTokens = 99;
        const again = await store.get("s1");
        again!.tags.push("mutated");
        expect((await store.get("s1"))?.tags).toEqual(["x"]);
        expect((await store.get("s1"))?.usage.inputTokens).toBe(0);
      });
    });

    describe("append and read", () => {
      it("stores events and reads them back in order, unchanged", async () => {
        await store.create("s1");
        const events = stamp("s1", toolTurn("Weather in Zürich? «ünïcödé» 🌦"));
        await store.append("s1", events);
        expect(await collect(store.read("s1"))).toEqual(events);
        expect((await store.get("s1"))?.lastSeq).toBe(11);
      });

      it("continues across appends and reads after a seq", async () => {
        await store.create("s1");
        const first = stamp("s1", toolTurn("one"));
        const second = stamp("s1", textTurn("two"), { firstSeq: 12, turnId: "turn_2" });
        await store.append("s1", first.slice(0, 3));
        await store.append("s1", first.slice(3));
        await store.append("s1", second);
        expect((await collect(store.read("s1"))).map((e) => e.seq)).toEqual(range(1, 15));
        expect(await collect(store.read("s1", { afterSeq: 11 }))).toEqual(second);
        expect(await collect(store.read("s1", { afterSeq: 15 }))).toEqual([]);
        expect(await collect(store.read("s1", { afterSeq: 99 }))).toEqual([]);
        expect((await collect(store.read("s1", { afterSeq: 0 }))).length).toBe(15);
      });

      it("leaves out message deltas and tool updates on request", async () => {
        await store.create("s1");
        await store.append("s1", stamp("s1", toolTurn("x")));
        const read = await collect(store.read("s1", { excludeDeltas: true }));
        expect(read.map((e) => e.seq)).toEqual([1, 2, 3, 6, 7, 9, 10, 11]);
        expect(read.some((e) => e.type === "message-delta" || e.type === "tool-execution-update")).toBe(
          false,
        );
        const after = await collect(store.read("s1", { afterSeq: 4, excludeDeltas: true }));
        expect(after.map((e) => e.seq)).toEqual([6, 7, 9, 10, 11]);
      });

      it("keeps the optional envelope fields", async () => {
        await store.create("s1");
        const events = stamp("s1", textTurn("sub"), { parentToolCallId: "toolu_parent" });
        await store.append("s1", events);
        const read = await collect(store.read("s1"));
        expect(read.every((e) => e.parentToolCallId === "toolu_parent")).toBe(true);
        expect(read[0]?.turnId).toBe("turn_1");
      });

      it("treats an empty append as a no-op", async () => {
        await store.create("s1");
        await store.append("s1", []);
        expect((await store.get("s1"))?.lastSeq).toBe(0);
      });

      it("fails with session-not-found for an unknown session", async () => {
        await expectArkyError(store.append("nope", stamp("nope", textTurn("x"))), "session-not-found");
        await expectArkyError(collect(store.read("nope")), "session-not-found");
        expect(await store.get("nope")).toBeUndefined();
      });
    });

    describe("sequence checks", () => {
      const seeded = async () => {
        await store.create("s1");
        const events = stamp("s1", toolTurn("x"));
        await store.append("s1", events.slice(0, 5));
        return events;
      };
      const unchanged = async (events: AgentEvent[]) => {
        expect(await collect(store.read("s1"))).toEqual(events.slice(0, 5));
        expect((await store.get("s1"))?.lastSeq).toBe(5);
      };

      it("refuses a gap with session-conflict and stores nothing", async () => {
        const events = await seeded();
        const error = await expectArkyError(store.append("s1", events.slice(6, 8)), "session-conflict");
        expect(error.message).toContain("expected seq 6");
        await unchanged(events);
      });

      it("refuses a duplicate seq with session-conflict and stores nothing", async () => {
        const events = await seeded();
        await expectArkyError(store.append("s1", events.slice(4, 7)), "session-conflict");
        await expectArkyError(store.append("s1", events.slice(0, 1)), "session-conflict");
        await unchanged(events);
      });

      it("refuses a batch with a gap inside it as a whole", async () => {
        const events = await seeded();
        await expectArkyError(store.append("s1", [events[5]!, events[6]!, events[8]!]), "session-conflict");
        await unchanged(events);
      });

      it("refuses events of another session", async () => {
        const events = await seeded();
        const foreign = stamp("other", toolTurn("x")).slice(5, 6);
        await expectArkyError(store.append("s1", foreign), "session-conflict");
        await unchanged(events);
      });

      it("lets exactly one of two racing writers win", async () => {
        await store.create("s1");
        const a = stamp("s1", textTurn("writer a"));
        const b = stamp("s1", textTurn("writer b"), { turnId: "turn_b" });
        const results = await Promise.allSettled([store.append("s1", a), store.append("s1", b)]);
        const won = results.filter((r) => r.status === "fulfilled");
        expect(won).toHaveLength(1);
        const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
        expect(lost.reason).toMatchObject({ code: "session-conflict" });
        const stored = await collect(store.read("s1"));
        expect(stored).toEqual(results[0]!.status === "fulfilled" ? a : b);
      });
    });

    describe("metadata totals", () => {
      it("sums usage and cost over turn-end events and tracks runtime, model, cwd, title", async () => {
        await store.create("s1");
        await store.append("s1", stamp("s1", toolTurn("  What is\n the   weather? ", usage(100, 20), 0.01)));
        await store.append(
          "s1",
          stamp("s1", textTurn("second prompt", usage(10, 5), undefined), { firstSeq: 12, turnId: "turn_2" }),
        );
        await store.append(
          "s1",
          stamp("s1", textTurn("third", usage(1, 1), 0.005), { firstSeq: 16, turnId: "turn_3" }),
        );
        const meta = await store.get("s1");
        expect(meta).toMatchObject({
          lastSeq: 19,
          usage: usage(111, 26),
          runtime: "native",
          model: "claude-sonnet-4-5",
          cwd: "/work",
          title: "What is the weather?",
        });
        expect(meta?.costUsd).toBeCloseTo(0.015);
      });

      it("keeps a title and model given at creation", async () => {
        await store.create("s1", { title: "Mine", model: "claude-opus-4-5" });
        await store.append("s1", stamp("s1", toolTurn("prompt")));
        expect(await store.get("s1")).toMatchObject({ title: "Mine", model: "claude-opus-4-5" });
      });

      it("moves updatedAt forward on append", async () => {
        const created = await store.create("s1");
        clock.advance(5);
        await store.append("s1", stamp("s1", textTurn("x")));
        expect((await store.get("s1"))!.updatedAt).toBeGreaterThan(created.updatedAt);
      });
    });

    describe("update", () => {
      it("changes the given fields and leaves the rest", async () => {
        await store.create("s1", { title: "old", tags: ["a"], model: "m1", cwd: "/c" });
        clock.advance(5);
        const updated = await store.update("s1", {
          title: "new",
          tags: ["b", "c"],
          runtimeState: { sessionId: "cli-123" },
        });
        expect(updated).toMatchObject({
          title: "new",
          tags: ["b", "c"],
          model: "m1",
          cwd: "/c",
          runtimeState: { sessionId: "cli-123" },
        });
        expect(updated.updatedAt).toBeGreaterThan(updated.createdAt);
        expect(await store.get("s1")).toEqual(updated);
      });

      it("fails with session-not-found for an unknown session", async () => {
        await expectArkyError(store.update("nope", { title: "x" }), "session-not-found");
        expect(await store.get("nope")).toBeUndefined();
      });
    });

    describe("list", () => {
      it("lists most recently updated first, filters by tag and limits", async () => {
        await store.create("a", { tags: ["red"] });
        clock.advance(5);
        await store.create("b", { tags: ["blue"] });
        clock.advance(5);
        await store.create("c", { tags: ["red", "blue"] });
        clock.advance(5);
        await store.update("a", { title: "touched" });
        const ids = async (options?: Parameters<SessionStore["list"]>[0]) =>
          (await store.list(options)).map((m) => m.sessionId);
        expect(await ids()).toEqual(["a", "c", "b"]);
        expect(await ids({ tag: "red" })).toEqual(["a", "c"]);
        expect(await ids({ tag: "blue", limit: 1 })).toEqual(["c"]);
        expect(await ids({ limit: 2 })).toEqual(["a", "c"]);
        expect(await ids({ tag: "green" })).toEqual([]);
        expect((await store.list()).find((m) => m.sessionId === "a")).toEqual(await store.get("a"));
      });

      it("is empty for an empty store", async () => {
        expect(await store.list()).toEqual([]);
      });
    });

    describe("delete", () => {
      it("removes the session and its events", async () => {
        await store.create("s1");
        await store.create("s2");
        await store.append("s1", stamp("s1", textTurn("x")));
        expect(await store.delete("s1")).toBe(true);
        expect(await store.delete("s1")).toBe(false);
        expect(await store.get("s1")).toBeUndefined();
        await expectArkyError(collect(store.read("s1")), "session-not-found");
        expect((await store.list()).map((m) => m.sessionId)).toEqual(["s2"]);
        await store.create("s1");
        expect(await collect(store.read("s1"))).toEqual([]);
        expect((await store.get("s1"))?.lastSeq).toBe(0);
      });

      it("returns false for an unknown session", async () => {
        expect(await store.delete("nope")).toBe(false);
      });
    });

    describeForkContract(ctx);
    describeTailContract(ctx);
    describeDeltaRunContract(ctx);
  });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
