import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it } from "vitest";
import { type AgentEvent, ArkyError } from "../../src/protocol/index.js";
import { SQLITE_MIGRATIONS, SqliteSessionStore } from "../../src/stores/sqlite/index.js";
import { collect, expectArkyError } from "../session/events.js";
import { deltas, sessionEvents, tempDir } from "./helpers.js";

const dir = tempDir();
let n = 0;
const freshPath = () => join(dir, `f${++n}.db`);

/** Reads a session until it throws; returns what came before and the error. */
async function readUntilError(store: SqliteSessionStore, sessionId: string) {
  const seen: AgentEvent[] = [];
  try {
    for await (const event of store.read(sessionId)) seen.push(event);
  } catch (error) {
    return { seen, error };
  }
  return { seen, error: undefined };
}

async function storeWithCorruptRow(data: string, schemaVersion = 1, type = "message-delta") {
  const path = freshPath();
  const store = new SqliteSessionStore({ path });
  await store.create("s");
  await store.append("s", sessionEvents("s", 1).slice(0, 5));
  store.database
    .prepare("UPDATE events SET data = ?, schema_version = ?, type = ? WHERE seq = 3")
    .run(data, schemaVersion, type);
  return store;
}

describe("SqliteSessionStore failures", () => {
  it("a row that is not JSON fails the read at its seq, after the rows before it", async () => {
    const store = await storeWithCorruptRow("{truncated");
    const { seen, error } = await readUntilError(store, "s");
    expect(seen.map((e) => e.seq)).toEqual([1, 2]);
    expect(ArkyError.isArkyError(error) && error.code).toBe("store");
    expect((error as Error).message).toContain("seq 3 of session s");
    // The rest of the log is still readable past the bad row.
    expect((await collect(store.read("s", { afterSeq: 3 }))).map((e) => e.seq)).toEqual([4, 5]);
    await store.close();
  });

  it("a row of an unknown event type is a store error naming session and seq", async () => {
    const row = JSON.stringify({ type: "teleport", sessionId: "s", seq: 3, timestamp: 1 });
    const store = await storeWithCorruptRow(row, 1, "teleport");
    const { seen, error } = await readUntilError(store, "s");
    expect(seen).toHaveLength(2);
    expect(ArkyError.isArkyError(error) && error.code).toBe("store");
    expect((error as Error).message).toMatch(/seq 3 of session s has an unknown event type "teleport"/);
    await store.close();
  });

  it("a row from a newer schema version asks to upgrade Arky", async () => {
    const store = await storeWithCorruptRow(JSON.stringify(sessionEvents("s", 1)[2]), 99);
    const { seen, error } = await readUntilError(store, "s");
    expect(seen).toHaveLength(2);
    expect(ArkyError.isArkyError(error) && error.code).toBe("store");
    expect((error as ArkyError).correction).toMatch(/upgrade arky/i);
    expect((error as ArkyError).details).toMatchObject({ sessionId: "s", seq: 3, schemaVersion: 99 });
    await store.close();
  });

  it("an event that would not read back is refused before anything is stored", async () => {
    const store = new SqliteSessionStore({ path: ":memory:" });
    const events = sessionEvents("n", 1);
    await store.create("n");
    await store.append("n", events.slice(0, 10));
    const badEnd = { ...events[10]!, costUsd: Number.NaN } as AgentEvent;
    const error = await expectArkyError(store.append("n", [badEnd]), "store");
    expect(error.message).toContain("seq 11 of session n");
    expect(await collect(store.read("n"))).toEqual(events.slice(0, 10));
    await store.append("n", events.slice(10));
    await store.close();
  });

  it("a locked database is a retryable store error, and nothing committed is lost", async () => {
    const path = freshPath();
    const store = new SqliteSessionStore({ path, busyTimeoutMs: 50 });
    const events = sessionEvents("l", 1);
    await store.create("l");
    await store.append("l", events.slice(0, 4));

    const other = new DatabaseSync(path);
    other.exec("BEGIN IMMEDIATE");
    const error = await expectArkyError(store.append("l", events.slice(4, 6)), "store");
    expect((error as ArkyError).retryable).toBe(true);
    expect(error.message).toContain("locked");
    other.exec("ROLLBACK");
    other.close();

    await store.append("l", events.slice(4));
    expect(await collect(store.read("l"))).toEqual(events);
    await store.close();
  });

  it("a full disk is a store error; the events committed before it are all there", async () => {
    const path = freshPath();
    const store = new SqliteSessionStore({ path });
    await store.create("full");
    const pages = store.database.prepare("PRAGMA page_count").get() as { page_count: number };
    store.database.exec(`PRAGMA max_page_count = ${pages.page_count + 8}`);
    let lastSeq = 0;
    let failure: unknown;
    for (let i = 0; i < 200 && !failure; i++) {
      try {
        await store.append("full", deltas("full", lastSeq, 20));
        lastSeq += 20;
      } catch (error) {
        failure = error;
      }
    }
    expect(ArkyError.isArkyError(failure) && failure.code).toBe("store");
    expect((failure as Error).message).toContain("full");
    expect(lastSeq).toBeGreaterThan(0);
    await store.close();

    const reopened = new SqliteSessionStore({ path });
    expect((await reopened.get("full"))?.lastSeq).toBe(lastSeq);
    const stored = await collect(reopened.read("full"));
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    await reopened.close();
  });

  it("an event another writer inserted makes an append from the old last seq a session-conflict", async () => {
    const path = freshPath();
    const store = new SqliteSessionStore({ path });
    await store.create("u");
    await store.append("u", deltas("u", 0, 3));
    // A writer that inserted seq 4 without touching the sessions row (as an append does).
    const raw = new DatabaseSync(path);
    raw
      .prepare(
        "INSERT INTO events (id, session_id, seq, type, is_delta, schema_version, data) VALUES (((SELECT sid FROM sessions WHERE session_id = 'u') << 32) + 4, 'u', 4, 'message-delta', 1, 1, ?)",
      )
      .run(JSON.stringify(deltas("u", 3, 1)[0]));
    raw.close();
    await expectArkyError(store.append("u", deltas("u", 3, 2)), "session-conflict");
    // The last seq is read from the events, so it counts the other writer's.
    expect((await store.get("u"))?.lastSeq).toBe(4);
    await store.append("u", deltas("u", 4, 1));
    expect((await collect(store.read("u"))).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    await store.close();
  });

  it("two connections on one file: the second writer of a seq loses", async () => {
    const path = freshPath();
    const a = new SqliteSessionStore({ path });
    const b = new SqliteSessionStore({ path });
    await a.create("two");
    await a.append("two", deltas("two", 0, 5));
    await expectArkyError(b.append("two", deltas("two", 0, 5)), "session-conflict");
    await b.append("two", deltas("two", 5, 5));
    expect((await a.get("two"))?.lastSeq).toBe(10);
    await a.close();
    await b.close();
  });
});

describe("SqliteSessionStore across processes", () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  });

  /** Starts writers, waits until all are ready, releases them together, returns their outcomes. */
  async function race(path: string, args: string[][]): Promise<Record<string, unknown>[]> {
    const started = args.map((a) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(import.meta.dirname, "sqlite-writer.ts"), path, ...a],
        { stdio: ["pipe", "pipe", "inherit"], env: { PATH: process.env.PATH ?? "" } },
      );
      children.push(child);
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      return { child, lines };
    });
    for (const { lines } of started) expect((await lines.next()).value).toBe("ready");
    for (const { child } of started) child.stdin!.write("go\n");
    const outcomes = [];
    for (const { child, lines } of started) {
      outcomes.push(JSON.parse((await lines.next()).value as string) as Record<string, unknown>);
      if (child.exitCode === null) await once(child, "exit");
    }
    return outcomes;
  }

  it("two processes append the same seqs: exactly one wins, the other gets session-conflict", async () => {
    const path = freshPath();
    const setup = new SqliteSessionStore({ path });
    await setup.create("race");
    const outcomes = await race(path, [
      ["race", "A", "200", "once"],
      ["race", "B", "200", "once"],
    ]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok)).toEqual([{ ok: false, code: "session-conflict" }]);
    const stored = await collect(setup.read("race"));
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(new Set(stored.map((e) => (e.type === "message-delta" ? e.messageId : "")))).toHaveProperty(
      "size",
      1,
    );
    await setup.close();
  }, 60_000);

  it("processes opening a new file at once migrate it once and all work", async () => {
    const path = join(dir, "fresh", "sessions.db");
    const outcomes = await race(path, [
      ["p1", "A", "10", "create"],
      ["p2", "B", "10", "create"],
      ["p3", "C", "10", "create"],
    ]);
    expect(outcomes).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    const store = new SqliteSessionStore({ path });
    expect(store.database.prepare("PRAGMA user_version").get()).toEqual({
      user_version: SQLITE_MIGRATIONS.length,
    });
    expect((await store.list()).map((m) => [m.sessionId, m.lastSeq]).sort()).toEqual([
      ["p1", 10],
      ["p2", 10],
      ["p3", 10],
    ]);
    await store.close();
  }, 60_000);

  it("a writer SIGKILLed mid-stream loses nothing it reported committed, and leaves no gaps", async () => {
    for (let round = 0; round < 5; round++) {
      const path = join(dir, `killed-${round}.db`);
      const setup = new SqliteSessionStore({ path });
      await setup.create("k");
      await setup.close();
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(import.meta.dirname, "sqlite-writer.ts"), path, "k", "K", "0", "forever"],
        { stdio: ["pipe", "pipe", "inherit"], env: { PATH: process.env.PATH ?? "" } },
      );
      children.push(child);
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      expect((await lines.next()).value).toBe("ready");
      child.stdin!.write("go\n");
      // Kill after a varying number of committed batches.
      const target = 5 * (3 + round * 17);
      let reported = 0;
      while (reported < target) reported = Number((await lines.next()).value);
      child.kill("SIGKILL");
      await once(child, "exit");

      const store = new SqliteSessionStore({ path });
      const stored = await collect(store.read("k"));
      const lastSeq = (await store.get("k"))!.lastSeq;
      expect(lastSeq).toBeGreaterThanOrEqual(reported);
      expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
      await store.append("k", deltas("k", lastSeq, 1));
      await store.close();
    }
  }, 120_000);

  it("two processes appending in rounds never interleave a batch and leave no gaps", async () => {
    const path = freshPath();
    const setup = new SqliteSessionStore({ path });
    await setup.create("rounds");
    const outcomes = await race(path, [
      ["rounds", "A", "60", "loop"],
      ["rounds", "B", "60", "loop"],
    ]);
    const appended = outcomes.reduce((sum, o) => sum + (o.appended as number), 0);
    const stored = await collect(setup.read("rounds"));
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: appended * 5 }, (_, i) => i + 1));
    for (let i = 0; i < stored.length; i += 5) {
      const writers = new Set(
        stored.slice(i, i + 5).map((e) => (e.type === "message-delta" ? e.messageId : "")),
      );
      expect(writers.size).toBe(1);
    }
    expect(appended + outcomes.reduce((sum, o) => sum + (o.conflicts as number), 0)).toBe(120);
    await setup.close();
  }, 60_000);
});
