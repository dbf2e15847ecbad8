import pg, { type Pool, type PoolClient } from "pg";
import { assertStorableEvents } from "../../protocol/event-schema.js";
import { type AgentEvent, ArkyError, EVENT_SCHEMA_VERSION, newSessionId } from "../../protocol/index.js";
import { encodeEventRows, forkRunRows } from "../../session/event-rows.js";
import {
  appendColumnValues,
  applyMetadataPatch,
  assertAppendable,
  foldEvents,
  forkedMetadata,
  forkPoint,
  type ListOptions,
  newMetadata,
  type ReadOptions,
  type SessionMetadata,
  type SessionMetadataInput,
  type SessionStore,
  sessionExists,
  sessionNotFound,
  type TailOptions,
  totalsFromColumns,
} from "../../session/index.js";
import { SeqContinuity } from "../../session/seq-gaps.js";
import { inTransaction, withClient } from "./postgres-client.js";
import { toPostgresStoreError } from "./postgres-errors.js";
import { PostgresListener } from "./postgres-listener.js";
import { migratePostgres } from "./postgres-migrations.js";
import {
  decode,
  type EventRowColumns,
  eventColumns,
  metadataToParams,
  rowToMetadata,
  toRow,
} from "./postgres-rows.js";
import { postgresSql } from "./postgres-sql.js";
import { tailSession } from "./postgres-tail.js";

/** Options of {@link PostgresSessionStore}: a connection string or a pool of your own. */
export interface PostgresSessionStoreOptions {
  /** `postgres://…`; the store then owns its pool and ends it on `close()`. */
  connectionString?: string;
  /**
   * A pool you manage (left open by `close()`). Give it an `"error"` listener: `pg`
   * emits errors of idle connections there.
   */
  pool?: Pool;
  /** The schema holding the tables (default `arky`); letters, digits and `_`. */
  schema?: string;
  /** Events read per query while streaming a session (default 1000). */
  pageSize?: number;
  /**
   * Longest a store call may wait on PostgreSQL, connecting included, in milliseconds
   * (default 30 s; `Infinity` waits forever). Past it the call fails with a retryable
   * `timeout`, measured on the client, so a frozen server or network cannot hang a turn.
   * Whether an append cut off so took effect is unknown: read the session back before retrying.
   */
  timeoutMs?: number;
  /** The clock of `createdAt` and `updatedAt`, in ms since the epoch (default `Date.now`); tests pass their own. */
  now?: () => number;
}

/** Options of {@link PostgresSessionStore.tail}. */
export type PostgresTailOptions = TailOptions;

/**
 * A {@link SessionStore} in PostgreSQL, for many processes sharing sessions. The schema
 * is migrated on first use (safe with several processes starting at once). Each
 * `append` is one statement that moves the session's last seq on only if it is still the
 * one the events continue, inserts the events (a run of deltas as one row), adds to the
 * totals and sends a NOTIFY that {@link tail} readers in any
 * process wake up on. The UNIQUE(session_id, seq) key is the last guard: a losing
 * writer gets `session-conflict`. A dropped connection is a retryable `store` error.
 */
export class PostgresSessionStore implements SessionStore {
  /** The schema holding the tables. */
  readonly schema: string;
  readonly #pool: Pool;
  readonly #ownsPool: boolean;
  readonly #pageSize: number;
  readonly #now: () => number;
  readonly #timeoutMs: number | undefined;
  readonly #sql: ReturnType<typeof postgresSql>;
  readonly #channel: string;
  readonly #listener: PostgresListener;
  readonly #preparedNames = new Map<string, string>();
  #ready: Promise<void> | undefined;
  #closed = false;

  constructor(options: PostgresSessionStoreOptions) {
    const { connectionString, pool, schema = "arky", pageSize = 1000 } = options;
    if ((connectionString === undefined) === (pool === undefined)) {
      throw new ArkyError({
        code: "configuration",
        message: "PostgresSessionStore needs exactly one of connectionString or pool.",
      });
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,39}$/.test(schema)) {
      throw new ArkyError({
        code: "configuration",
        message: `Invalid schema name ${JSON.stringify(schema)}.`,
        correction: "Use up to 40 letters, digits and underscores, not starting with a digit.",
      });
    }
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      throw new ArkyError({ code: "configuration", message: "pageSize must be a positive integer." });
    }
    this.schema = schema;
    this.#pageSize = pageSize;
    this.#now = options.now ?? Date.now;
    this.#timeoutMs = options.timeoutMs;
    this.#ownsPool = pool === undefined;
    this.#pool = pool ?? new pg.Pool({ connectionString, max: 10 });
    if (this.#ownsPool) {
      // Idle connections that die are dropped by the pool; the next call opens a new one.
      this.#pool.on("error", () => {});
    }
    this.#sql = postgresSql(`"${schema}"`);
    // The hot statements are prepared once per connection instead of parsed and planned per call.
    for (const key of ["append", "page", "pageWithoutDeltas", "rowAtOrBefore", "selectSession"] as const) {
      this.#preparedNames.set(this.#sql[key], `arky_${key}_${schema}`);
    }
    this.#channel = `${schema}_events`;
    this.#listener = new PostgresListener(this.#pool, this.#channel);
  }

  /** Applies pending schema migrations now (otherwise done on first use). */
  migrate(): Promise<void> {
    this.#ready ??= withClient(
      this.#pool,
      { operation: "Migrating the session schema", timeoutMs: this.#timeoutMs },
      (client) => migratePostgres(client, this.schema, `"${this.schema}"`),
    ).catch((error) => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  async create(sessionId: string, metadata?: SessionMetadataInput): Promise<SessionMetadata> {
    const meta = newMetadata(sessionId, metadata, this.#now());
    await this.#withClient("Creating", sessionId, (client) => this.#insertSession(client, meta));
    return meta;
  }

  async append(sessionId: string, events: readonly AgentEvent[]): Promise<void> {
    assertStorableEvents(events);
    if (events.length === 0) {
      if (!(await this.get(sessionId))) throw sessionNotFound(sessionId);
      return;
    }
    const expected = events[0]!.seq - 1;
    assertAppendable(sessionId, expected, events);
    // The events' own totals; the statement adds them to the stored ones, which is what
    // foldEvents(stored, events) computes, in one round trip without a read first.
    const fold = foldEvents(newMetadata(sessionId, {}, 0), events);
    const lastSeq = fold.lastSeq;
    const columns = eventColumns(encodeEventRows(events));
    const rows = await this.#query("Appending to", sessionId, this.#sql.append, [
      sessionId,
      expected,
      ...appendColumnValues(fold, this.#now()),
      EVENT_SCHEMA_VERSION,
      ...columns,
      this.#channel,
      JSON.stringify({ sessionId, lastSeq }),
    ]);
    if (rows.length === 1) return;
    const meta = await this.get(sessionId);
    if (!meta) throw sessionNotFound(sessionId);
    assertAppendable(sessionId, meta.lastSeq, events);
    // The stored seq moved back to `expected` meanwhile: still another writer's doing.
    throw new ArkyError({
      code: "session-conflict",
      message: `Append to session ${sessionId} lost a race with another writer.`,
      details: { sessionId, expectedSeq: expected + 1 },
    });
  }

  async *read(sessionId: string, options: ReadOptions = {}): AsyncIterable<AgentEvent> {
    if (!(await this.get(sessionId))) throw sessionNotFound(sessionId);
    const sql = options.excludeDeltas ? this.#sql.pageWithoutDeltas : this.#sql.page;
    let after = options.afterSeq ?? 0;
    const continuity = new SeqContinuity(sessionId, after);
    if (after > 0 && !options.excludeDeltas) {
      // A run row that starts at or before `after` may hold events after it.
      const [row] = await this.#query<EventRowColumns>("Reading", sessionId, this.#sql.rowAtOrBefore, [
        sessionId,
        after,
      ]);
      if (row && typeof row.end_seq === "number" && row.end_seq > after) {
        continuity.from(row.end_seq);
        for (const event of decode(sessionId, row)) if (event.seq > after) yield event;
      }
    }
    for (;;) {
      const rows = await this.#query<EventRowColumns>("Reading", sessionId, sql, [
        sessionId,
        after,
        this.#pageSize,
      ]);
      for (const row of rows) {
        continuity.row(row.seq, row.end_seq);
        // Without deltas, a delta row comes with null data: read for the seq check only.
        if (row.data !== null) yield* decode(sessionId, row);
        after = row.seq;
      }
      if (rows.length < this.#pageSize) return;
    }
  }

  /**
   * Follows a session live across processes: yields the stored events after `afterSeq`,
   * then the events of every later append (woken by LISTEN/NOTIFY) until `signal`
   * aborts. If the listening connection drops, throws a retryable `store` error; tail
   * again from the last seq seen.
   */
  async *tail(sessionId: string, options: PostgresTailOptions = {}): AsyncIterable<AgentEvent> {
    await this.migrate();
    yield* tailSession({ listener: this.#listener, read: (id, o) => this.read(id, o) }, sessionId, options);
  }

  async get(sessionId: string): Promise<SessionMetadata | undefined> {
    const rows = await this.#query("Reading", sessionId, this.#sql.selectSession, [sessionId]);
    return rows[0] ? rowToMetadata(rows[0]) : undefined;
  }

  async list(options: ListOptions = {}): Promise<SessionMetadata[]> {
    const rows = await this.#query("Listing sessions", undefined, this.#sql.list, [
      options.tag ?? null,
      options.limit ?? null,
    ]);
    return rows.map(rowToMetadata);
  }

  async update(sessionId: string, patch: SessionMetadataInput): Promise<SessionMetadata> {
    return this.#transaction("Updating", sessionId, async (client) => {
      const meta = applyMetadataPatch(await this.#lockSession(client, sessionId), patch, this.#now());
      await client.query(this.#sql.updateSession, metadataToParams(meta));
      return meta;
    });
  }

  async fork(
    sessionId: string,
    options: { atSeq?: number; newSessionId?: string } = {},
  ): Promise<SessionMetadata> {
    const { atSeq: requested, newSessionId: id = newSessionId() } = options;
    return this.#transaction("Forking", sessionId, async (client) => {
      const source = await this.#lockSession(client, sessionId);
      const atSeq = forkPoint(sessionId, requested, source.lastSeq);
      const { rows } = await client.query<Record<string, number>>(this.#sql.prefixTotals, [sessionId, atSeq]);
      const forked = forkedMetadata(id, source, atSeq, totalsFromColumns(rows[0]!), this.#now());
      await this.#insertSession(client, forked);
      await client.query(this.#sql.copyPrefix, [id, sessionId, atSeq]);
      const { rows: around } = await client.query<EventRowColumns>(this.#sql.rowAtOrBefore, [
        sessionId,
        atSeq,
      ]);
      const split = around[0] ? forkRunRows(sessionId, toRow(around[0]), atSeq, id) : [];
      if (split.length > 0) {
        await client.query(this.#sql.insertEvents, [id, EVENT_SCHEMA_VERSION, ...eventColumns(split)]);
      }
      return forked;
    });
  }

  async delete(sessionId: string): Promise<boolean> {
    return this.#withClient("Deleting", sessionId, async (client) => {
      const result = await client.query(this.#sql.deleteSession, [sessionId]);
      return (result.rowCount ?? 0) > 0;
    });
  }

  /** Stops listening and, when the store created the pool, ends it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#listener.close();
    if (this.#ownsPool) await this.#pool.end();
  }

  async #lockSession(client: PoolClient, sessionId: string): Promise<SessionMetadata> {
    const { rows } = await client.query(this.#sql.lockSession, [sessionId]);
    if (!rows[0]) throw sessionNotFound(sessionId);
    return rowToMetadata(rows[0]);
  }

  async #insertSession(client: PoolClient, meta: SessionMetadata): Promise<void> {
    try {
      await client.query(this.#sql.insertSession, metadataToParams(meta));
    } catch (error) {
      const classified = toPostgresStoreError(error, { operation: "Creating", sessionId: meta.sessionId });
      throw classified.code === "session-conflict" ? sessionExists(meta.sessionId, error) : classified;
    }
  }

  async #query<Row extends Record<string, unknown> = Record<string, unknown>>(
    operation: string,
    sessionId: string | undefined,
    sql: string,
    params: unknown[],
  ): Promise<Row[]> {
    await this.migrate();
    const name = this.#preparedNames.get(sql);
    const query = name ? { name, text: sql, values: params } : { text: sql, values: params };
    return withClient(
      this.#pool,
      { operation, sessionId, timeoutMs: this.#timeoutMs },
      async (client) => (await client.query<Row>(query)).rows,
    );
  }

  async #transaction<T>(
    operation: string,
    sessionId: string,
    fn: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    await this.migrate();
    return withClient(this.#pool, { operation, sessionId, timeoutMs: this.#timeoutMs }, (client) =>
      inTransaction(client, () => fn(client)),
    );
  }

  async #withClient<T>(
    operation: string,
    sessionId: string | undefined,
    fn: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    await this.migrate();
    return withClient(this.#pool, { operation, sessionId, timeoutMs: this.#timeoutMs }, fn);
  }
}
