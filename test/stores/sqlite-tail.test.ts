import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentEvent } from "../../src/protocol/index.js";
import { SqliteSessionStore } from "../../src/stores/sqlite/index.js";
import { collect, expectArkyError } from "../session/events.js";
import { deltas, tempDir } from "./helpers.js";

const dir = tempDir();

describe("SqliteSessionStore.tail", () => {
  it("follows events appended by another connection until the signal aborts", async () => {
    const path = join(dir, "tail.db");
    const writer = new SqliteSessionStore({ path });
    const reader = new SqliteSessionStore({ path });
    await writer.create("t");
    await writer.append("t", deltas("t", 0, 3));

    const controller = new AbortController();
    const seen: AgentEvent[] = [];
    const tailing = (async () => {
      for await (const event of reader.tail("t", {
        afterSeq: 1,
        signal: controller.signal,
        pollIntervalMs: 5,
      })) {
        seen.push(event);
        if (event.seq === 3) await writer.append("t", deltas("t", 3, 4));
        if (event.seq === 7) controller.abort();
      }
    })();
    await tailing;
    expect(seen.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(seen[0]).toEqual((await collect(writer.read("t")))[1]);
    await writer.close();
    await reader.close();
  });

  it("ends at once on an aborted signal and fails for an unknown session", async () => {
    const store = new SqliteSessionStore({ path: ":memory:" });
    await store.create("t");
    await store.append("t", deltas("t", 0, 2));
    expect(await collect(store.tail("t", { signal: AbortSignal.abort() }))).toEqual([]);
    await expectArkyError(collect(store.tail("missing")), "session-not-found");
    await store.close();
  });
});
