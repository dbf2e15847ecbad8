import { describe, expect, it } from "vitest";
import { SessionWriter } from "../../src/core/session-writer.js";
import { type AgentEvent, ArkyError } from "../../src/protocol/index.js";
import { InMemorySessionStore } from "../../src/session/index.js";
import { collect } from "../session/events.js";
import { deltas } from "../stores/helpers.js";

/** An in-memory store that records the size of each append. */
class CountingStore extends InMemorySessionStore {
  readonly appends: number[] = [];
  override async append(sessionId: string, events: readonly AgentEvent[]): Promise<void> {
    this.appends.push(events.length);
    await super.append(sessionId, events);
  }
}

const messageEnd = (seq: number, timestamp: number): AgentEvent => ({
  type: "message-end",
  messageId: "msg_d",
  message: { role: "assistant", content: [{ type: "text", text: "done" }] },
  stopReason: { unified: "end-turn", raw: "end_turn" },
  usage: { inputTokens: 1, outputTokens: 1, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 },
  sessionId: "s",
  seq,
  timestamp,
  turnId: "turn_d",
});

async function setup(options?: ConstructorParameters<typeof SessionWriter>[2]) {
  const store = new CountingStore();
  await store.create("s");
  return { store, writer: new SessionWriter(store, "s", options) };
}

describe("SessionWriter", () => {
  it("buffers deltas without a promise and commits them with the next checkpoint", async () => {
    const { store, writer } = await setup();
    const events = deltas("s", 0, 5);
    for (const event of events) expect(writer.write(event)).toBeUndefined();
    expect(store.appends).toEqual([]);
    const end = messageEnd(6, events[4]!.timestamp);
    await writer.write(end);
    expect(store.appends).toEqual([6]);
    expect((await collect(store.read("s"))).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("commits when the buffer is full", async () => {
    const { store, writer } = await setup({ batchSize: 3 });
    const results = deltas("s", 0, 7).map((e) => writer.write(e));
    expect(results.map((r) => r !== undefined)).toEqual([false, false, true, false, false, true, false]);
    await Promise.all(results);
    expect(store.appends).toEqual([3, 3]);
    await writer.flush();
    expect(store.appends).toEqual([3, 3, 1]);
  });

  it("commits once the newest buffered event is maxDelayMs later than the oldest", async () => {
    const { store, writer } = await setup({ maxDelayMs: 100 });
    const events = deltas("s", 0, 4).map((e, i) => ({ ...e, timestamp: 1000 + [0, 50, 99, 100][i]! }));
    const results = events.map((e) => writer.write(e));
    expect(results.map((r) => r !== undefined)).toEqual([false, false, false, true]);
    await results[3];
    expect(store.appends).toEqual([4]);
  });

  it("buffers 2048 events by default", async () => {
    const { store, writer } = await setup();
    const results = deltas("s", 0, 2049).map((e) => writer.write({ ...e, timestamp: 1 }));
    expect(results.findIndex((r) => r !== undefined)).toBe(2047);
    await Promise.all(results);
    expect(store.appends).toEqual([2048]);
  });

  it("a failed commit rejects with the store's code and the first unstored seq, then stores nothing until reset", async () => {
    const { store, writer } = await setup();
    const append = store.append.bind(store);
    store.append = async () => {
      throw new ArkyError({ code: "session-conflict", message: "another writer" });
    };
    const events = deltas("s", 0, 3);
    for (const event of events) writer.write(event);
    const failure = await writer.write(messageEnd(4, events[2]!.timestamp))!.catch((e: unknown) => e);
    expect(failure).toMatchObject({
      code: "session-conflict",
      details: { sessionId: "s", unstoredFromSeq: 1 },
    });
    expect((failure as Error).message).toContain("another writer");
    expect(writer.failure).toBe(failure);
    store.append = append;
    expect(writer.write(messageEnd(5, 1))).toBeUndefined();
    await writer.flush();
    expect(await collect(store.read("s"))).toEqual([]);
    writer.reset();
    expect(writer.failure).toBeUndefined();
    await writer.write(messageEnd(1, 1));
    expect((await collect(store.read("s"))).map((e) => e.seq)).toEqual([1]);
  });
});
