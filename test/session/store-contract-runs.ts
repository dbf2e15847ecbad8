import { describe, expect, it } from "vitest";
import { type AgentEvent, type AgentEventBody, isDeltaEvent } from "../../src/protocol/index.js";
import type { SessionStore } from "../../src/session/index.js";
import { collect, stamp } from "./events.js";

const text = (messageId: string, index: number, t: string): AgentEventBody => ({
  type: "message-delta",
  messageId,
  delta: { kind: "text", index, text: t },
});

/**
 * A streamed turn whose deltas the SQL stores keep as runs: a thinking block, a text
 * block, tool input, a sub-agent's deltas (parentToolCallId), a tool progress update, and
 * deltas that must not join a run (an extra field, a fractional timestamp, no turn id).
 */
export function streamedTurn(sessionId: string): AgentEvent[] {
  const events = stamp(sessionId, [
    { type: "message-start", messageId: "m1", role: "assistant" },
    ...Array.from(
      { length: 6 },
      (_, i): AgentEventBody => ({
        type: "message-delta",
        messageId: "m1",
        delta: { kind: "thinking", index: 0, text: `think ${i} "quoted" \\ ` },
      }),
    ),
    ...Array.from({ length: 8 }, (_, i) => text("m1", 1, i % 2 ? "é🌦\n" : `w${i} `)),
    ...Array.from(
      { length: 4 },
      (_, i): AgentEventBody => ({
        type: "message-delta",
        messageId: "m1",
        delta: { kind: "tool-input", index: 2, toolCallId: "t1", toolName: "add", partialJson: `{"a":${i}` },
      }),
    ),
    { type: "tool-execution-update", toolCallId: "t1", toolName: "add", update: { pct: 50 } },
  ]);
  const next = events.length + 1;
  const sub = stamp(sessionId, [text("m2", 0, "sub "), text("m2", 0, "agent")], {
    firstSeq: next,
    parentToolCallId: "t1",
  });
  const odd = stamp(
    sessionId,
    [text("m2", 0, "a"), text("m2", 0, "b"), text("m2", 0, "c"), text("m2", 0, "d")],
    {
      firstSeq: next + 2,
    },
  );
  (odd[0] as AgentEvent & { extra?: unknown }).extra = { kept: true };
  odd[1]!.timestamp += 0.5;
  odd[2]!.turnId = undefined;
  return [...events, ...sub, ...odd];
}

const plain = (events: readonly AgentEvent[]) => JSON.parse(JSON.stringify(events));

/** The part of the SessionStore contract about reading, tailing and forking inside runs of deltas. */
export function describeDeltaRunContract(ctx: { readonly store: SessionStore }): void {
  describe("runs of deltas", () => {
    it("reads back every delta unchanged, from any seq, with and without deltas", async () => {
      const store = ctx.store;
      const all = streamedTurn("r");
      await store.create("r");
      await store.append("r", all.slice(0, 9));
      await store.append("r", all.slice(9));
      expect(plain(await collect(store.read("r")))).toEqual(plain(all));
      for (let after = 0; after <= all.length; after++) {
        const read = await collect(store.read("r", { afterSeq: after }));
        expect(read.map((e) => e.seq)).toEqual(all.slice(after).map((e) => e.seq));
        expect(plain(read)).toEqual(plain(all.slice(after)));
        const kept = await collect(store.read("r", { afterSeq: after, excludeDeltas: true }));
        expect(plain(kept)).toEqual(plain(all.slice(after).filter((e) => !isDeltaEvent(e))));
      }
    });

    it("forks inside a run: the fork holds exactly the prefix and continues after it", async () => {
      const store = ctx.store;
      const all = streamedTurn("r");
      await store.create("r");
      await store.append("r", all);
      for (const atSeq of [1, 2, 4, 7, 8, 12, 18, 19, all.length - 1]) {
        const fork = await store.fork("r", { atSeq, newSessionId: `f${atSeq}` });
        expect(fork.lastSeq).toBe(atSeq);
        const copied = await collect(store.read(fork.sessionId));
        expect(plain(copied)).toEqual(
          plain(all.slice(0, atSeq).map((e) => ({ ...e, sessionId: fork.sessionId }))),
        );
        const more = streamedTurn(fork.sessionId)
          .slice(atSeq)
          .map((e, i) => ({ ...e, seq: atSeq + 1 + i }));
        await store.append(fork.sessionId, more);
        expect((await collect(store.read(fork.sessionId, { afterSeq: atSeq }))).map((e) => e.seq)).toEqual(
          more.map((e) => e.seq),
        );
      }
      expect(plain(await collect(store.read("r")))).toEqual(plain(all));
    });

    it("tails from inside a run", async () => {
      const store = ctx.store;
      const all = streamedTurn("r");
      await store.create("r");
      await store.append("r", all);
      const controller = new AbortController();
      const seen: AgentEvent[] = [];
      for await (const event of store.tail("r", { afterSeq: 4, signal: controller.signal })) {
        seen.push(event);
        if (event.seq === all.length) controller.abort();
      }
      expect(plain(seen)).toEqual(plain(all.slice(4)));
    });
  });
}
