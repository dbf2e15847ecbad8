import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/protocol/index.js";
import type { SessionStore } from "../../src/session/index.js";
import { collect, expectArkyError, sleep, stamp, textTurn, toolTurn } from "./events.js";

/** The `tail` part of the SessionStore contract; `ctx.store` is the fresh store of the running test. */
export function describeTailContract(ctx: { readonly store: SessionStore }): void {
  describe("tail", () => {
    it("yields the stored events after afterSeq, then live appends, until the signal aborts", async () => {
      const store = ctx.store;
      await store.create("s1");
      const first = stamp("s1", toolTurn("x"));
      const later = stamp("s1", textTurn("y"), { firstSeq: 12, turnId: "turn_2" });
      await store.append("s1", first);

      const controller = new AbortController();
      const seen: AgentEvent[] = [];
      const done = (async () => {
        for await (const event of store.tail("s1", { afterSeq: 9, signal: controller.signal }))
          seen.push(event);
      })();
      await until(() => seen.length === 2);
      await store.append("s1", later.slice(0, 1));
      await store.append("s1", later.slice(1));
      await until(() => seen.length === 6);
      controller.abort();
      await done;
      expect(seen).toEqual([...first.slice(9), ...later]);
    });

    it("ends at once for an aborted signal, having yielded at most the stored events", async () => {
      const store = ctx.store;
      await store.create("s1");
      const events = stamp("s1", textTurn("x"));
      await store.append("s1", events);
      const seen = await collect(store.tail("s1", { signal: AbortSignal.abort() }));
      expect(events.slice(0, seen.length)).toEqual(seen);
    });

    it("refuses an unknown session with session-not-found", async () => {
      const store = ctx.store;
      const controller = new AbortController();
      try {
        await expectArkyError(
          collect(store.tail("nope", { signal: controller.signal })),
          "session-not-found",
        );
      } finally {
        controller.abort();
      }
    });
  });
}

/** Waits for a condition the test's own timeout bounds. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(5);
}
