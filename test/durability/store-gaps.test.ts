import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Agent, type AgentEvent, native, type SessionStore } from "../../src/index.js";
import { SqliteSessionStore } from "../../src/stores/sqlite/index.js";
import { scriptedProvider } from "../../src/testing/scripted-provider.js";
import { collect, expectArkyError } from "../session/events.js";
import { deltas, sessionEvents, tempDir } from "../stores/helpers.js";
import { availability, pgTitle, usePostgres } from "../stores/pg-helpers.js";

const dir = tempDir("arky-gaps-");
let n = 0;

/** Two turns, a run of deltas between them: rows 1…k, one delta-run row, then the second turn. */
function eventsWithDeltaRun(sessionId: string): AgentEvent[] {
  const [first, ...rest] = [sessionEvents(sessionId, 1), sessionEvents(sessionId, 2)];
  const run = deltas(sessionId, first.length, 5);
  const second = rest[0]!.slice(first.length).map((e) => ({ ...e, seq: e.seq + run.length }));
  return [...first, ...run, ...second];
}

/** Every way the log is read: whole, without deltas, after a seq, and by Agent.resume. */
async function expectGapRefused(store: SessionStore, sessionId: string, missing: number) {
  const details = { sessionId, missingFromSeq: missing };
  for (const options of [{}, { excludeDeltas: true }, { afterSeq: 1 }]) {
    const error = await expectArkyError(collect(store.read(sessionId, options)), "store");
    expect(error).toMatchObject({ details });
    expect(error.message).toContain(`seq ${missing}`);
  }
  const resumed = await expectArkyError(
    Agent.resume(sessionId, { runtime: native(scriptedProvider({ script: [] })), store }),
    "store",
  );
  expect(resumed).toMatchObject({ details });
}

describe("a missing row and an empty file are store errors", () => {
  it("SQLite: a missing middle row (a single event, or a run of deltas) fails every read and resume", async () => {
    const store = new SqliteSessionStore({ path: join(dir, `gap${++n}.db`) });
    const events = eventsWithDeltaRun("s");
    await store.create("s");
    await store.append("s", events);
    expect((await collect(store.read("s"))).map((e) => e.seq)).toEqual(events.map((e) => e.seq));
    store.database.prepare("DELETE FROM events WHERE seq = 3").run();
    await expectGapRefused(store, "s", 3);

    await store.create("t");
    await store.append("t", eventsWithDeltaRun("t"));
    const run = store.database
      .prepare("SELECT seq FROM events WHERE session_id = 't' AND is_delta = 1")
      .get();
    store.database.prepare("DELETE FROM events WHERE session_id = 't' AND is_delta = 1").run();
    await expectGapRefused(store, "t", Number(run!.seq));
    await store.close();
  });

  it("SQLite: an existing zero-length file is refused naming it; a missing path creates a new store", async () => {
    const empty = join(dir, `empty${++n}.db`);
    writeFileSync(empty, "");
    const error = await expectArkyError(
      (async () => new SqliteSessionStore({ path: empty, busyTimeoutMs: 100 }))(),
      "store",
    );
    expect(error).toMatchObject({ details: { path: empty } });
    expect(error.message).toContain(empty);

    const fresh = new SqliteSessionStore({ path: join(dir, "new", `fresh${++n}.db`) });
    expect(await fresh.list()).toEqual([]);
    await fresh.close();
  });
});

describe.skipIf(!availability.available)(pgTitle("Postgres: a missing middle row is a store error"), () => {
  const pg = usePostgres();

  it("a missing single-event row or delta-run row fails every read and resume", async () => {
    const store = pg.store({ schema: pg.newSchema() });
    const table = `"${store.schema}".events`;
    await store.create("s");
    await store.append("s", eventsWithDeltaRun("s"));
    await pg.admin().query(`DELETE FROM ${table} WHERE session_id = 's' AND seq = 3`);
    await expectGapRefused(store, "s", 3);

    await store.create("t");
    await store.append("t", eventsWithDeltaRun("t"));
    const { rows } = await pg
      .admin()
      .query(`DELETE FROM ${table} WHERE session_id = 't' AND is_delta RETURNING seq`);
    await expectGapRefused(store, "t", Number(rows[0].seq));
  });
});
