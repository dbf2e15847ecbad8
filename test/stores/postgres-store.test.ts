import { describe, expect, it } from "vitest";
import { isDeltaEvent } from "../../src/protocol/index.js";
import {
  InMemorySessionStore,
  type SessionMetadata,
  type SessionMetadataInput,
} from "../../src/session/index.js";
import { POSTGRES_MIGRATIONS, PostgresSessionStore } from "../../src/stores/postgres/index.js";
import { collect, expectArkyError, manualClock, usage } from "../session/events.js";
import { describeSessionStoreContract } from "../session/store-contract.js";
import { deltas, sessionEvents } from "./helpers.js";
import { availability, pgTitle, usePostgres } from "./pg-helpers.js";

describe.skipIf(!availability.available)(pgTitle("PostgresSessionStore"), () => {
  const pg = usePostgres();

  describeSessionStoreContract("PostgresSessionStore", async (now) => {
    const schema = pg.newSchema();
    const store = pg.store({ schema, pageSize: 4, now });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await pg.admin().query(`DROP SCHEMA "${schema}" CASCADE`);
      },
    };
  });

  it("stores events and metadata that a second store instance reads back", async () => {
    const schema = pg.newSchema();
    const events = sessionEvents("s1", 3);
    const writer = pg.store({ schema });
    await writer.create("s1", { tags: ["demo"] });
    await writer.append("s1", events.slice(0, 5));
    await writer.append("s1", events.slice(5));
    const reader = pg.store({ schema });
    expect(await collect(reader.read("s1"))).toEqual(events);
    const meta = await reader.get("s1");
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
    expect(meta).toEqual(await writer.get("s1"));
  });

  it("folds appends into the same metadata as the in-memory store", async () => {
    const store = pg.store({ schema: pg.newSchema() });
    const memory = new InMemorySessionStore();
    const withoutTimes = ({ createdAt, updatedAt, ...rest }: SessionMetadata) => rest;
    const cases: [string, SessionMetadataInput][] = [
      ["preset", { title: "Preset", model: "m0", cwd: "/elsewhere", tags: ["a"] }],
      ["empty", {}],
    ];
    for (const [id, input] of cases) {
      const events = sessionEvents(id, 4);
      for (const target of [store, memory]) {
        await target.create(id, input);
        for (const slice of [events.slice(0, 1), events.slice(1, 9), events.slice(9)])
          await target.append(id, slice);
      }
      expect(withoutTimes((await store.get(id))!)).toEqual(withoutTimes((await memory.get(id))!));
    }
  });

  it("reads in pages from a seq, with or without deltas", async () => {
    const store = pg.store({ schema: pg.newSchema(), pageSize: 7 });
    const events = sessionEvents("p", 2);
    const all = [...events, ...deltas("p", events.length, 40)];
    await store.create("p");
    await store.append("p", all);
    expect((await collect(store.read("p"))).map((e) => e.seq)).toEqual(all.map((e) => e.seq));
    expect((await collect(store.read("p", { afterSeq: 10 }))).map((e) => e.seq)).toEqual(
      all.filter((e) => e.seq > 10).map((e) => e.seq),
    );
    expect(await collect(store.read("p", { excludeDeltas: true }))).toEqual(
      all.filter((e) => !isDeltaEvent(e)),
    );
  });

  it("refuses an append that does not continue the log, storing nothing", async () => {
    const store = pg.store({ schema: pg.newSchema() });
    const events = sessionEvents("c", 1);
    await store.create("c");
    await store.append("c", events.slice(0, 3));
    await expectArkyError(store.append("c", events.slice(2, 5)), "session-conflict");
    await expectArkyError(store.append("c", events.slice(4, 6)), "session-conflict");
    expect((await store.get("c"))?.lastSeq).toBe(3);
    expect(await collect(store.read("c"))).toEqual(events.slice(0, 3));
    await expectArkyError(store.append("nope", []), "session-not-found");
    await expectArkyError(collect(store.read("nope")), "session-not-found");
    await expectArkyError(store.create("c"), "session-conflict");
  });

  it("lists by recency and tag, updates, and deletes with the events", async () => {
    const clock = manualClock();
    const store = pg.store({ schema: pg.newSchema(), now: clock.now });
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
    const { rows } = await pg.admin().query(`SELECT count(*)::int AS n FROM "${store.schema}".events`);
    expect(rows[0]).toEqual({ n: 0 });
  });

  it("forks a prefix in SQL with the new session id and the prefix's totals", async () => {
    const store = pg.store({ schema: pg.newSchema() });
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
      usage: usage(100, 20),
      costUsd: 0.01,
    });
    expect(await store.get("f1")).toEqual(fork);
    expect(await collect(store.read("f1"))).toEqual(
      events.slice(0, 11).map((e) => ({ ...e, sessionId: "f1" })),
    );
    await store.append("f1", sessionEvents("f1", 2).slice(11));
    expect((await store.get("src"))?.lastSeq).toBe(events.length);
    expect((await store.fork("src", { atSeq: 0 })).lastSeq).toBe(0);
    await expectArkyError(store.fork("src", { atSeq: -1 }), "configuration");
    await expectArkyError(store.fork("src", { newSessionId: "f1" }), "session-conflict");
    await expectArkyError(store.fork("missing"), "session-not-found");
  });

  it("migrates once when several stores start at once, and refuses a newer schema", async () => {
    const schema = pg.newSchema();
    const stores = Array.from({ length: 4 }, () => pg.store({ schema }));
    await Promise.all(stores.map((s) => s.migrate()));
    await Promise.all(stores.map((s, i) => s.create(`m${i}`)));
    const { rows } = await pg
      .admin()
      .query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
    expect(rows).toEqual(POSTGRES_MIGRATIONS.map((_, i) => ({ version: i + 1 })));
    expect(await stores[0]!.list()).toHaveLength(4);

    await pg.admin().query(`INSERT INTO "${schema}".schema_migrations (version) VALUES (99)`);
    const newer = pg.store({ schema });
    const error = await expectArkyError(newer.get("m0"), "store");
    expect((error as { correction?: string }).correction).toMatch(/upgrade arky/i);
  });

  it("rejects bad options before connecting", () => {
    expect(() => new PostgresSessionStore({})).toThrow(/exactly one of connectionString or pool/);
    expect(() => new PostgresSessionStore({ connectionString: pg.url(), schema: 'x"; drop' })).toThrow(
      /Invalid schema name/,
    );
  });
});
