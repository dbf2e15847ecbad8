import { describe, expect, it } from "vitest";
import { type AgentEvent, ArkyError } from "../../src/protocol/index.js";
import { PostgresSessionStore } from "../../src/stores/postgres/index.js";
import { collect, expectArkyError, sleep } from "../session/events.js";
import { deltas, sessionEvents } from "./helpers.js";
import { availability, pgTitle, usePostgres } from "./pg-helpers.js";

async function readUntilError(store: PostgresSessionStore, sessionId: string) {
  const seen: AgentEvent[] = [];
  try {
    for await (const event of store.read(sessionId)) seen.push(event);
  } catch (error) {
    return { seen, error };
  }
  return { seen, error: undefined };
}

/** Waits until `sql` (on the admin connection) returns a row, and returns it. */
async function waitForRow(pg: ReturnType<typeof usePostgres>, sql: string, params: unknown[]) {
  for (let i = 0; i < 300; i++) {
    const { rows } = await pg.admin().query(sql, params);
    if (rows[0]) return rows[0] as Record<string, unknown>;
    await sleep(20);
  }
  throw new Error(`no row for ${sql}`);
}

describe.skipIf(!availability.available)(pgTitle("PostgresSessionStore failures and live tail"), () => {
  const pg = usePostgres();

  it("a row that is not JSON, of an unknown type or of a newer schema version fails the read at its seq", async () => {
    const store = pg.store({ schema: pg.newSchema() });
    await store.create("s");
    await store.append("s", sessionEvents("s", 1).slice(0, 6));
    const events = `"${store.schema}".events`;
    await pg
      .admin()
      .query(
        `UPDATE ${events} SET data = jsonb_set(data::jsonb, '{type}', '"teleport"')::text WHERE seq = 3`,
      );
    // Seqs 4 and 5 are deltas of one text block: they share one row, keyed by seq 4.
    await pg.admin().query(`UPDATE ${events} SET schema_version = 7 WHERE seq = 4`);
    await pg.admin().query(`UPDATE ${events} SET data = '{"type":"message-del' WHERE seq = 6`);

    const first = await readUntilError(store, "s");
    expect(first.seen.map((e) => e.seq)).toEqual([1, 2]);
    expect(ArkyError.isArkyError(first.error) && first.error.code).toBe("store");
    expect((first.error as Error).message).toMatch(/seq 3 of session s has an unknown event type "teleport"/);

    const after = await collect(store.read("s", { afterSeq: 3 })).catch((error: ArkyError) => error);
    expect(ArkyError.isArkyError(after) && after.code).toBe("store");
    expect((after as ArkyError).correction).toMatch(/upgrade arky/i);
    expect((after as ArkyError).details).toMatchObject({
      sessionId: "s",
      seq: 4,
      endSeq: 5,
      schemaVersion: 7,
    });

    const truncated = await collect(store.read("s", { afterSeq: 5 })).catch((error: ArkyError) => error);
    expect(ArkyError.isArkyError(truncated) && truncated.code).toBe("store");
    expect((truncated as ArkyError).message).toContain("seq 6 of session s is not valid JSON");
  });

  it("an event that would not read back is refused before anything is stored", async () => {
    const store = pg.store({ schema: pg.newSchema() });
    const events = sessionEvents("n", 1);
    await store.create("n");
    await store.append("n", events.slice(0, 10));
    const badEnd = { ...events[10]!, durationMs: Number.NaN } as AgentEvent;
    await expectArkyError(store.append("n", [badEnd]), "store");
    expect(await collect(store.read("n"))).toEqual(events.slice(0, 10));
    expect((await store.get("n"))?.lastSeq).toBe(10);
  });

  it("two stores append the same seqs at once: exactly one wins", async () => {
    const schema = pg.newSchema();
    const a = pg.store({ schema });
    const b = pg.store({ schema });
    await a.create("race");
    const results = await Promise.allSettled([
      a.append("race", deltas("race", 0, 50)),
      b.append("race", deltas("race", 0, 50)),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(ArkyError.isArkyError(rejected.reason) && rejected.reason.code).toBe("session-conflict");
    expect((await collect(b.read("race"))).map((e) => e.seq)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });

  it("two stores appending in rounds never interleave a batch and leave no gaps", async () => {
    const schema = pg.newSchema();
    const writers = [pg.store({ schema }), pg.store({ schema })];
    await writers[0]!.create("rounds");
    let appended = 0;
    let conflicts = 0;
    await Promise.all(
      writers.map(async (store, w) => {
        for (let round = 0; round < 25; round++) {
          const { lastSeq } = (await store.get("rounds"))!;
          const batch = deltas("rounds", lastSeq, 4).map((e) => ({ ...e, messageId: `w${w}` }));
          try {
            await store.append("rounds", batch);
            appended++;
          } catch (error) {
            if (!ArkyError.isArkyError(error) || error.code !== "session-conflict") throw error;
            conflicts++;
          }
        }
      }),
    );
    expect(appended + conflicts).toBe(50);
    const stored = await collect(writers[0]!.read("rounds"));
    expect(stored.map((e) => e.seq)).toEqual(Array.from({ length: appended * 4 }, (_, i) => i + 1));
    for (let i = 0; i < stored.length; i += 4) {
      expect(
        new Set(stored.slice(i, i + 4).map((e) => (e.type === "message-delta" ? e.messageId : ""))),
      ).toHaveProperty("size", 1);
    }
  });

  it("the UNIQUE(session_id, seq) key turns a racing insert into session-conflict", async () => {
    const store = pg.store({ schema: pg.newSchema() });
    await store.create("u");
    await store.append("u", deltas("u", 0, 3));
    await pg
      .admin()
      .query(
        `INSERT INTO "${store.schema}".events (session_id, seq, type, is_delta, schema_version, data) VALUES ('u', 4, 'message-delta', true, 1, $1)`,
        [JSON.stringify(deltas("u", 3, 1)[0])],
      );
    await expectArkyError(store.append("u", deltas("u", 3, 2)), "session-conflict");
    expect((await store.get("u"))?.lastSeq).toBe(3);
  });

  it("a connection dropped mid-append is a retryable store error; committed events stay", async () => {
    const app = `arky-drop-${Date.now()}`;
    const store = pg.store({
      schema: pg.newSchema(),
      connectionString: `${pg.url()}?application_name=${app}`,
    });
    await store.create("d");
    await store.append("d", deltas("d", 0, 5));

    // Hold the session row so the append blocks inside its transaction, then kill its backend.
    const admin = pg.admin();
    await admin.query("BEGIN");
    await admin.query(`SELECT 1 FROM "${store.schema}".sessions WHERE session_id = 'd' FOR UPDATE`);
    const appending = store.append("d", deltas("d", 5, 5)).catch((error: unknown) => error);
    const blocked = await waitForRow(
      pg,
      "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'",
      [app],
    );
    await admin.query("SELECT pg_terminate_backend($1)", [blocked.pid]);
    const error = await appending;
    await admin.query("ROLLBACK");

    expect(ArkyError.isArkyError(error) && error.code).toBe("store");
    expect((error as ArkyError).retryable).toBe(true);
    expect((await collect(store.read("d"))).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    await store.append("d", deltas("d", 5, 5));
    expect((await store.get("d"))?.lastSeq).toBe(10);
  });

  it("an unreachable server is a retryable store error", async () => {
    const store = new PostgresSessionStore({ connectionString: "postgres://nobody@127.0.0.1:1/none" });
    const error = await expectArkyError(store.get("x"), "store");
    expect((error as ArkyError).retryable).toBe(true);
    await store.close();
  });

  it("follows appends made by another store instance through LISTEN/NOTIFY", async () => {
    const schema = pg.newSchema();
    const writer = pg.store({ schema });
    const reader = pg.store({ schema });
    await writer.create("t");
    await writer.create("other");
    await writer.append("t", deltas("t", 0, 2));

    const controller = new AbortController();
    const seen: AgentEvent[] = [];
    const tailing = (async () => {
      for await (const event of reader.tail("t", { afterSeq: 1, signal: controller.signal })) {
        seen.push(event);
        if (event.seq === 2) {
          await writer.append("other", deltas("other", 0, 1));
          await writer.append("t", deltas("t", 2, 3));
        }
        if (event.seq === 5) await writer.append("t", deltas("t", 5, 1));
        if (event.seq === 6) controller.abort();
      }
    })();
    await tailing;
    expect(seen.map((e) => e.seq)).toEqual([2, 3, 4, 5, 6]);
    expect(seen.every((e) => e.sessionId === "t")).toBe(true);
    await expectArkyError(collect(reader.tail("missing")), "session-not-found");
    expect(await collect(reader.tail("t", { signal: AbortSignal.abort() }))).toEqual([]);
  });

  it("a dropped listening connection ends the tail with a retryable store error", async () => {
    const app = `arky-listen-${Date.now()}`;
    const schema = pg.newSchema();
    const writer = pg.store({ schema });
    const reader = pg.store({ schema, connectionString: `${pg.url()}?application_name=${app}` });
    await writer.create("t");
    await writer.append("t", deltas("t", 0, 1));
    const seen: number[] = [];
    const tailing = (async () => {
      for await (const event of reader.tail("t")) seen.push(event.seq);
    })().catch((error: unknown) => error);
    const listening = await waitForRow(
      pg,
      "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'",
      [app],
    );
    await pg.admin().query("SELECT pg_terminate_backend($1)", [listening.pid]);
    const error = await tailing;
    expect(ArkyError.isArkyError(error) && error.code).toBe("store");
    expect((error as ArkyError).retryable).toBe(true);
    expect(seen).toEqual([1]);
    // Tailing again opens a new listening connection.
    const controller = new AbortController();
    const again: number[] = [];
    for await (const event of reader.tail("t", { signal: controller.signal })) {
      again.push(event.seq);
      controller.abort();
    }
    expect(again).toEqual([1]);
  });
});
