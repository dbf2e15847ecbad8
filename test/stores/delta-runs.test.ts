import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { type AgentEvent, ArkyError, isDeltaEvent } from "../../src/protocol/index.js";
import type { SessionStore } from "../../src/session/index.js";
import { POSTGRES_MIGRATIONS } from "../../src/stores/postgres/index.js";
import { SQLITE_MIGRATIONS, SqliteSessionStore } from "../../src/stores/sqlite/index.js";
import { collect } from "../session/events.js";
import { streamedTurn } from "../session/store-contract-runs.js";
import { sessionEvents, tempDir } from "./helpers.js";
import { availability, pgTitle, usePostgres } from "./pg-helpers.js";

const dir = tempDir();
let n = 0;
const freshPath = () => join(dir, `r${++n}.db`);
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

/** A log as the schema-1 stores wrote it: one row per event. */
function v1Rows(sessionId: string): { events: AgentEvent[]; rows: unknown[][] } {
  const base = sessionEvents(sessionId, 2);
  const events = [...base, ...streamedTurn(sessionId).map((e, i) => ({ ...e, seq: base.length + 1 + i }))];
  const rows = events.map((e) => [sessionId, e.seq, e.type, isDeltaEvent(e), 1, JSON.stringify(e)]);
  return { events, rows };
}

/** Reads, reads from inside the old rows, forks and appends on a migrated log. */
async function expectUsable(store: SessionStore, sessionId: string, events: AgentEvent[]) {
  expect(plain(await collect(store.read(sessionId)))).toEqual(plain(events));
  expect((await collect(store.read(sessionId, { afterSeq: 25 }))).map((e) => e.seq)).toEqual(
    events.slice(25).map((e) => e.seq),
  );
  const fork = await store.fork(sessionId, { atSeq: 30, newSessionId: `${sessionId}-fork` });
  expect(plain(await collect(store.read(fork.sessionId)))).toEqual(
    plain(events.slice(0, 30).map((e) => ({ ...e, sessionId: fork.sessionId }))),
  );
  const more = streamedTurn(sessionId).map((e, i) => ({ ...e, seq: events.length + 1 + i }));
  await store.append(sessionId, more);
  expect(plain(await collect(store.read(sessionId)))).toEqual(plain([...events, ...more]));
}

/** [seq, end_seq] of the rows `streamedTurn` is stored as: runs of deltas share a row. */
const STREAMED_TURN_ROWS = [
  [1, null],
  [2, 7],
  [8, 15],
  [16, 19],
  [20, null],
  [21, 22],
  [23, null],
  [24, null],
  [25, null],
  [26, null],
];

describe("SQLite: runs of deltas", () => {
  it("stores a run of deltas as one row", async () => {
    const store = new SqliteSessionStore({ path: freshPath() });
    await store.create("s");
    await store.append("s", streamedTurn("s"));
    const rows = store.database.prepare("SELECT seq, end_seq FROM events ORDER BY seq").all();
    expect(rows.map((r) => [r.seq, r.end_seq])).toEqual(STREAMED_TURN_ROWS);
    await store.close();
  });

  it("a corrupt run row fails the read at its seq range, after the events before it", async () => {
    const store = new SqliteSessionStore({ path: freshPath() });
    await store.create("s");
    await store.append("s", streamedTurn("s"));
    store.database.prepare('UPDATE events SET data = \'{"sessionId":"s"\' WHERE seq = 8').run();
    const seen: AgentEvent[] = [];
    const error = await (async () => {
      for await (const event of store.read("s")) seen.push(event);
    })().catch((e: unknown) => e);
    expect(seen.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(ArkyError.isArkyError(error) && error.code).toBe("store");
    expect((error as Error).message).toBe("Stored events seq 8-15 of session s is not valid JSON.");
    // A fork inside the corrupt run fails as a whole and creates nothing.
    await expect(store.fork("s", { atSeq: 10, newSessionId: "f" })).rejects.toMatchObject({ code: "store" });
    expect(await store.get("f")).toBeUndefined();
    await store.close();
  });

  it("migrates a schema-1 file (one row per delta) and keeps reading, forking and appending", async () => {
    const path = freshPath();
    const db = new DatabaseSync(path);
    db.exec(SQLITE_MIGRATIONS[0]!);
    db.exec("PRAGMA user_version = 1");
    const { events, rows } = v1Rows("old");
    db.prepare("INSERT INTO sessions (session_id, created_at, updated_at, last_seq) VALUES (?, 1, 1, ?)").run(
      "old",
      events.length,
    );
    const insert = db.prepare("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)");
    for (const row of rows)
      insert.run(...(row.map((v) => (typeof v === "boolean" ? Number(v) : v)) as never[]));
    db.close();

    const store = new SqliteSessionStore({ path });
    expect(store.database.prepare("PRAGMA user_version").get()).toEqual({
      user_version: SQLITE_MIGRATIONS.length,
    });
    await expectUsable(store, "old", events);
    await store.close();
  });
});

describe.skipIf(!availability.available)(pgTitle("PostgreSQL: runs of deltas"), () => {
  const pg = usePostgres();

  it("stores a run of deltas as one row and reads a corrupt run as a store error", async () => {
    const store = pg.store({ schema: pg.newSchema() });
    await store.create("s");
    await store.append("s", streamedTurn("s"));
    const events = `"${store.schema}".events`;
    const { rows } = await pg.admin().query(`SELECT seq, end_seq FROM ${events} ORDER BY seq`);
    expect(rows.map((r) => [r.seq, r.end_seq])).toEqual(STREAMED_TURN_ROWS);
    await pg.admin().query(`UPDATE ${events} SET data = '{"sessionId":"s","texts":[]}' WHERE seq = 8`);
    const error = await collect(store.read("s", { afterSeq: 9 })).catch((e: unknown) => e);
    expect(ArkyError.isArkyError(error) && error.message).toContain("Stored events seq 8-15 of session s");
  });

  it("migrates a schema-1 schema (one row per delta) and keeps reading, forking and appending", async () => {
    const schema = pg.newSchema();
    const q = `"${schema}"`;
    const admin = pg.admin();
    await admin.query(`CREATE SCHEMA ${q}`);
    await admin.query(
      `CREATE TABLE ${q}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    await admin.query(POSTGRES_MIGRATIONS[0]!(q));
    await admin.query(`INSERT INTO ${q}.schema_migrations (version) VALUES (1)`);
    const { events, rows } = v1Rows("old");
    await admin.query(
      `INSERT INTO ${q}.sessions (session_id, created_at, updated_at, last_seq) VALUES ('old', 1, 1, $1)`,
      [events.length],
    );
    for (const row of rows) await admin.query(`INSERT INTO ${q}.events VALUES ($1, $2, $3, $4, $5, $6)`, row);

    const store = pg.store({ schema });
    await expectUsable(store, "old", events);
    const { rows: versions } = await admin.query(
      `SELECT version FROM ${q}.schema_migrations ORDER BY version`,
    );
    expect(versions).toEqual(POSTGRES_MIGRATIONS.map((_, i) => ({ version: i + 1 })));
  });
});
