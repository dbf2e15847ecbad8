import { existsSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { type ArkyError, isDeltaEvent } from "../../src/protocol/index.js";
import { defaultSqlitePath } from "../../src/stores/sqlite/default-path.js";
import { SqliteSessionStore } from "../../src/stores/sqlite/index.js";
import { SQLITE_MIGRATIONS } from "../../src/stores/sqlite/sqlite-migrations.js";
import { collect, expectArkyError, manualClock, usage } from "../session/events.js";
import { deltas, sessionEvents, tempDir } from "./helpers.js";

const dir = tempDir();
let n = 0;
const freshPath = () => join(dir, `s${++n}`, "sessions.db");

describe("SqliteSessionStore", () => {
  it("stores events and metadata that survive closing and reopening the file", async () => {
    const path = freshPath();
    const events = sessionEvents("s1", 3);
    const store = new SqliteSessionStore({ path });
    await store.create("s1", { tags: ["demo"] });
    await store.append("s1", events.slice(0, 5));
    await store.append("s1", events.slice(5));
    await store.close();

    const reopened = new SqliteSessionStore({ path });
    expect(await collect(reopened.read("s1"))).toEqual(events);
    const meta = await reopened.get("s1");
    expect(meta).toMatchObject({
      sessionId: "s1",
      title: "What is the weather?",
      runtime: "native",
      model: "claude-sonnet-4-5",
      cwd: "/work",
      tags: ["demo"],
      lastSeq: events.length,
      usage: { inputTokens: 120, outputTokens: 30 },
    });
    expect(meta?.costUsd).toBeCloseTo(0.014);
    await reopened.close();
  });

  it("reads in pages from a seq, with or without deltas", async () => {
    const store = new SqliteSessionStore({ path: ":memory:", pageSize: 7 });
    const events = sessionEvents("p", 2);
    const all = [...events, ...deltas("p", events.length, 40)];
    await store.create("p");
    await store.append("p", all);
    expect((await collect(store.read("p"))).map((e) => e.seq)).toEqual(all.map((e) => e.seq));
    expect((await collect(store.read("p", { afterSeq: 10 }))).map((e) => e.seq)).toEqual(
      all.filter((e) => e.seq > 10).map((e) => e.seq),
    );
    const withoutDeltas = await collect(store.read("p", { excludeDeltas: true }));
    expect(withoutDeltas).toEqual(all.filter((e) => !isDeltaEvent(e)));
    await store.close();
  });

  it("refuses an append that does not continue the log, storing nothing", async () => {
    const store = new SqliteSessionStore({ path: ":memory:" });
    const events = sessionEvents("c", 1);
    await store.create("c");
    await store.append("c", events.slice(0, 3));
    await expectArkyError(store.append("c", events.slice(2, 5)), "session-conflict");
    await expectArkyError(store.append("c", events.slice(4, 6)), "session-conflict");
    // A long append at a wrong seq stores none of its rows.
    const longer = sessionEvents("c", 3).slice(2);
    expect(longer.filter((e) => !isDeltaEvent(e)).length).toBeGreaterThan(8);
    await expectArkyError(store.append("c", longer), "session-conflict");
    await expectArkyError(store.append("c", sessionEvents("other", 1).slice(3, 4)), "session-conflict");
    expect((await store.get("c"))?.lastSeq).toBe(3);
    expect(await collect(store.read("c"))).toEqual(events.slice(0, 3));
    await expectArkyError(store.append("nope", []), "session-not-found");
    await expectArkyError(collect(store.read("nope")), "session-not-found");
    await expectArkyError(store.create("c"), "session-conflict");
    await store.close();
  });

  it("lists by recency and tag, updates, and deletes with the events", async () => {
    const clock = manualClock();
    const store = new SqliteSessionStore({ path: freshPath(), now: clock.now });
    await store.create("a", { tags: ["x"], title: "A" });
    clock.advance();
    await store.create("b", { tags: ["x", "y"] });
    clock.advance();
    await store.create("c");
    clock.advance();
    await store.append("a", sessionEvents("a", 1));
    expect((await store.list()).map((m) => m.sessionId)).toEqual(["a", "c", "b"]);
    expect((await store.list({ tag: "x" })).map((m) => m.sessionId)).toEqual(["a", "b"]);
    expect((await store.list({ tag: "y", limit: 5 })).map((m) => m.sessionId)).toEqual(["b"]);
    expect(await store.list({ limit: 1 })).toHaveLength(1);

    const updated = await store.update("a", {
      title: "Renamed",
      tags: ["z"],
      runtimeState: { thread: "t1" },
    });
    expect(updated).toMatchObject({
      title: "Renamed",
      tags: ["z"],
      runtimeState: { thread: "t1" },
      lastSeq: 11,
    });
    expect(await store.get("a")).toEqual(updated);
    await expectArkyError(store.update("zz", { title: "x" }), "session-not-found");

    expect(await store.delete("a")).toBe(true);
    expect(await store.delete("a")).toBe(false);
    expect(await store.get("a")).toBeUndefined();
    const leftover = store.database.prepare("SELECT count(*) AS n FROM events WHERE session_id = 'a'").get();
    expect(leftover).toEqual({ n: 0 });
    await store.close();
  });

  it("reads lastSeq from the events; writes updatedAt and totals at turn boundaries, else a second late at most", async () => {
    const clock = manualClock();
    const store = new SqliteSessionStore({ path: freshPath(), now: clock.now });
    const created = await store.create("m");
    const metaRow = () =>
      store.database.prepare("SELECT last_seq, updated_at FROM sessions WHERE session_id = 'm'").get();
    const events = sessionEvents("m", 1);
    const firstEnd = events.findIndex((e) => e.type === "turn-end") + 1;
    clock.advance(3);
    await store.append("m", events.slice(0, firstEnd));
    const afterTurn = (await store.get("m"))!;
    expect(afterTurn).toMatchObject({ lastSeq: firstEnd, usage: { inputTokens: expect.any(Number) } });
    expect(afterTurn.usage.inputTokens).toBeGreaterThan(0);
    expect(afterTurn.updatedAt).toBeGreaterThan(created.updatedAt);

    // Deltas within the second: the events are there and counted, the row is left alone.
    await store.append("m", deltas("m", firstEnd, 4));
    expect((await store.get("m"))!).toMatchObject({ lastSeq: firstEnd + 4, updatedAt: afterTurn.updatedAt });
    expect(metaRow()).toEqual({ last_seq: firstEnd, updated_at: afterTurn.updatedAt });
    expect((await store.list())[0]).toEqual(await store.get("m"));

    // A second later the next append refreshes it.
    clock.advance(1000);
    await store.append("m", deltas("m", firstEnd + 4, 1));
    expect(metaRow()).toEqual({ last_seq: firstEnd + 5, updated_at: afterTurn.updatedAt + 1000 });
    await store.close();
  });

  it("forks a prefix in SQL with the new session id and the prefix's totals", async () => {
    const store = new SqliteSessionStore({ path: ":memory:" });
    const events = sessionEvents("src", 3);
    await store.create("src", { tags: ["t"] });
    await store.append("src", events);
    const fork = await store.fork("src", { atSeq: 11, newSessionId: "f1" });
    expect(fork).toMatchObject({
      sessionId: "f1",
      parentSessionId: "src",
      forkedAtSeq: 11,
      lastSeq: 11,
      tags: ["t"],
      title: "What is the weather?",
      usage: usage(100, 20),
      costUsd: 0.01,
    });
    expect(await store.get("f1")).toEqual(fork);
    const copied = await collect(store.read("f1"));
    expect(copied).toEqual(events.slice(0, 11).map((e) => ({ ...e, sessionId: "f1" })));
    // The fork continues on its own; the parent is untouched.
    await store.append("f1", sessionEvents("f1", 2).slice(11));
    expect((await store.get("src"))?.lastSeq).toBe(events.length);

    expect((await store.fork("src", { atSeq: 999 })).lastSeq).toBe(events.length);
    expect((await store.fork("src", { atSeq: 0 })).lastSeq).toBe(0);
    await expectArkyError(store.fork("src", { atSeq: -1 }), "configuration");
    await expectArkyError(store.fork("src", { newSessionId: "f1" }), "session-conflict");
    await expectArkyError(store.fork("missing"), "session-not-found");
    await store.close();
  });

  it("uses $ARKY_HOME/sessions.db, else ~/.arky/sessions.db", async () => {
    expect(defaultSqlitePath({ ARKY_HOME: "/data/arky" })).toBe("/data/arky/sessions.db");
    expect(defaultSqlitePath({})).toMatch(/\.arky\/sessions\.db$/);
    const home = join(dir, "home");
    const previous = process.env.ARKY_HOME;
    process.env.ARKY_HOME = home;
    try {
      const store = new SqliteSessionStore();
      expect(store.path).toBe(join(home, "sessions.db"));
      await store.create("h");
      await store.close();
      expect(existsSync(join(home, "sessions.db"))).toBe(true);
      // Private to the user: sessions hold prompts and tool output.
      expect(statSync(home).mode & 0o777).toBe(0o700);
      expect(statSync(join(home, "sessions.db")).mode & 0o777).toBe(0o600);
    } finally {
      if (previous === undefined) delete process.env.ARKY_HOME;
      else process.env.ARKY_HOME = previous;
    }
  });

  it("opens in WAL mode and applies migrations once, refusing a newer database", async () => {
    const path = freshPath();
    const first = new SqliteSessionStore({ path });
    await first.create("m");
    const second = new SqliteSessionStore({ path });
    expect(second.database.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(second.database.prepare("PRAGMA user_version").get()).toEqual({
      user_version: SQLITE_MIGRATIONS.length,
    });
    expect(await second.get("m")).toBeDefined();
    await first.close();
    await second.close();

    const db = new DatabaseSync(path);
    db.exec(`PRAGMA user_version = ${SQLITE_MIGRATIONS.length + 1}`);
    db.close();
    const error = await expectArkyError(
      Promise.resolve().then(() => new SqliteSessionStore({ path })),
      "store",
    );
    expect((error as ArkyError).correction).toMatch(/upgrade arky/i);
  });

  it("refuses a file that is not a database, a directory, and bad options with classified errors", async () => {
    const notDb = join(dir, "notes.txt");
    writeFileSync(
      notDb,
      "this is not a SQLite database, just some text that is long enough to be read as a header",
    );
    const open = (options: ConstructorParameters<typeof SqliteSessionStore>[0]) =>
      Promise.resolve().then(() => new SqliteSessionStore(options));
    const error = await expectArkyError(open({ path: notDb }), "store");
    expect(error.message).toContain(notDb);
    await expectArkyError(open({ path: dir }), "store");
    await expectArkyError(open({ path: ":memory:", pageSize: 0 }), "configuration");
  });
});
