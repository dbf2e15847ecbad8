import type { DatabaseSync, StatementSync } from "node:sqlite";
import { assertStorableEvents } from "../../protocol/event-schema.js";
import { type AgentEvent, ArkyError, EVENT_SCHEMA_VERSION, newSessionId } from "../../protocol/index.js";
import { decodeEventRow, type EventRow, encodeEventRows, forkRunRows } from "../../session/event-rows.js";
import {
  appendColumnValues,
  applyMetadataPatch,
  assertAppendable,
  carriesMetadata,
  foldEvents,
  forkedMetadata,
  forkPoint,
  type ListOptions,
  metadataToColumns,
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
import { defaultSqlitePath } from "./default-path.js";
import { sleep } from "./sleep.js";
import { toSqliteStoreError } from "./sqlite-errors.js";
import { rollback } from "./sqlite-migrations.js";
import { openSqliteDatabase } from "./sqlite-open.js";
import { rowToMetadata, rowTuple } from "./sqlite-rows.js";
import { SQL } from "./sqlite-sql.js";

/** How stale a session's `updatedAt` may get while events without metadata are appended. */
const METADATA_REFRESH_MS = 1000;

/** Options of {@link SqliteSessionStore}. */
export interface SqliteSessionStoreOptions {
  /**
   * The database file (created with its directory when missing), or `':memory:'`.
   * Default: `$ARKY_HOME/sessions.db`, else `~/.arky/sessions.db`.
   */
  path?: string;
  /** How long a write waits for another connection's lock before failing (default 5000 ms). */
  busyTimeoutMs?: number;
  /** Events read per query while streaming a session (default 1000). */
  pageSize?: number;
  /** The clock of `createdAt` and `updatedAt`, in ms since the epoch (default `Date.now`); tests pass their own. */
  now?: () => number;
}

/** Options of {@link SqliteSessionStore.tail}. */
export interface SqliteTailOptions extends TailOptions {
  /** How often to look for new events (default 50 ms). */
  pollIntervalMs?: number;
}

/**
 * A {@link SessionStore} in one SQLite file through `node:sqlite`: the embedded default
 * for the CLI and the server. WAL mode with `synchronous=NORMAL`, so a commit survives a
 * crash of the process. Each `append` is one immediate transaction that checks that the
 * events continue the session's last stored seq (else `session-conflict`, so two writers
 * cannot interleave) and inserts them (a run of deltas as one row).
 *
 * To keep a commit to one page of the log, an append writes the session's metadata row
 * only when its events carry metadata (a turn's start or end, the session's start or end)
 * or the row's `updatedAt` is a second old: `lastSeq` is read from the events themselves,
 * and `updatedAt` may lag the newest event by up to a second within a turn.
 *
 * Calls run synchronously on the calling thread; the methods are async to honour the
 * SessionStore contract.
 */
export class SqliteSessionStore implements SessionStore {
  /** The database file, or `':memory:'`. */
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #pageSize: number;
  readonly #now: () => number;
  readonly #statements = new Map<string, StatementSync>();
  #closed = false;

  constructor(options: SqliteSessionStoreOptions = {}) {
    const { path = defaultSqlitePath(), busyTimeoutMs = 5000, pageSize = 1000 } = options;
    if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0) {
      throw new ArkyError({ code: "configuration", message: "busyTimeoutMs must be an integer >= 0." });
    }
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      throw new ArkyError({ code: "configuration", message: `pageSize must be a positive integer.` });
    }
    this.path = path;
    this.#pageSize = pageSize;
    this.#now = options.now ?? Date.now;
    this.#db = openSqliteDatabase(path, busyTimeoutMs);
  }

  /**
   * The underlying connection, for maintenance and tests (pragmas, backups). Writing to
   * the tables directly bypasses the seq checks.
   */
  get database(): DatabaseSync {
    return this.#db;
  }

  async create(sessionId: string, metadata?: SessionMetadataInput): Promise<SessionMetadata> {
    return this.#run("Creating", sessionId, () => {
      const meta = newMetadata(sessionId, metadata, this.#now());
      this.#insertMeta(meta);
      return meta;
    });
  }

  async append(sessionId: string, events: readonly AgentEvent[]): Promise<void> {
    assertStorableEvents(events);
    if (events.length === 0) {
      this.#run("Appending to", sessionId, () => this.#meta(sessionId));
      return;
    }
    const expected = events[0]!.seq - 1;
    assertAppendable(sessionId, expected, events);
    const rows = encodeEventRows(events);
    const now = this.#now();
    const withMetadata = carriesMetadata(events);
    this.#transaction("Appending to", sessionId, () => {
      const head = this.#stmt(SQL.head).get(sessionId) as
        | { sid: number; updated_at: number; last_seq: number }
        | undefined;
      if (!head) throw sessionNotFound(sessionId);
      if (head.last_seq !== expected) {
        assertAppendable(sessionId, head.last_seq, events);
        throw new ArkyError({
          code: "session-conflict",
          message: `Append to session ${sessionId} lost a race.`,
        });
      }
      this.#insertRows(head.sid, sessionId, rows);
      if (withMetadata || now - head.updated_at >= METADATA_REFRESH_MS) {
        // The events' own totals; the UPDATE adds them to the stored ones (= foldEvents(stored, events)).
        const fold = foldEvents(newMetadata(sessionId, {}, 0), events);
        this.#stmt(SQL.appendMeta).run(...appendColumnValues(fold, now), head.sid);
      }
    });
  }

  async *read(sessionId: string, options: ReadOptions = {}): AsyncIterable<AgentEvent> {
    const sid = this.#run("Reading", sessionId, () => this.#sid(sessionId));
    const page = this.#stmt(options.excludeDeltas ? SQL.pageWithoutDeltas : SQL.page, { arrays: true });
    let after = options.afterSeq ?? 0;
    const continuity = new SeqContinuity(sessionId, after);
    if (after > 0 && !options.excludeDeltas) {
      // A run row that starts at or before `after` may hold events after it.
      const row = this.#run("Reading", sessionId, () =>
        this.#stmt(SQL.rowAtOrBefore, { arrays: true }).get(sid, after, sid),
      );
      const tuple = row ? rowTuple(row) : undefined;
      if (tuple && typeof tuple[1] === "number" && tuple[1] > after) {
        continuity.from(tuple[1]);
        for (const event of decodeEventRow(sessionId, ...tuple)) if (event.seq > after) yield event;
      }
    }
    for (;;) {
      const rows = this.#run("Reading", sessionId, () =>
        page.all(sid, after, sid, this.#pageSize),
      ) as unknown[];
      for (const row of rows) {
        const tuple = rowTuple(row);
        continuity.row(tuple[0], tuple[1]);
        // Without deltas, a delta row comes with null data: read for the seq check only.
        if (tuple[3] !== null) yield* decodeEventRow(sessionId, ...tuple);
        after = tuple[0];
      }
      if (rows.length < this.#pageSize) return;
    }
  }

  /**
   * Follows a session live: yields the stored events after `afterSeq`, then polls for
   * new ones (appended by this or another process) until `signal` aborts. Throws
   * `session-not-found` if the session does not exist or is deleted meanwhile.
   */
  async *tail(sessionId: string, options: SqliteTailOptions = {}): AsyncIterable<AgentEvent> {
    const { signal, pollIntervalMs = 50 } = options;
    let cursor = options.afterSeq ?? 0;
    while (!signal?.aborted) {
      for await (const event of this.read(sessionId, { afterSeq: cursor })) {
        yield event;
        cursor = event.seq;
        if (signal?.aborted) return;
      }
      while (
        !signal?.aborted &&
        this.#run("Tailing", sessionId, () => this.#meta(sessionId)).lastSeq <= cursor
      ) {
        await sleep(pollIntervalMs, signal);
      }
    }
  }

  async get(sessionId: string): Promise<SessionMetadata | undefined> {
    return this.#run("Reading", sessionId, () => {
      const row = this.#stmt(SQL.selectMeta).get(sessionId);
      return row ? rowToMetadata(row) : undefined;
    });
  }

  async list(options: ListOptions = {}): Promise<SessionMetadata[]> {
    const { tag, limit } = options;
    return this.#run("Listing sessions", undefined, () => {
      const rows = this.#stmt(SQL.listMeta(tag !== undefined)).all(
        ...(tag === undefined ? [] : [tag]),
        limit ?? -1,
      );
      return rows.map(rowToMetadata);
    });
  }

  async update(sessionId: string, patch: SessionMetadataInput): Promise<SessionMetadata> {
    return this.#transaction("Updating", sessionId, () => {
      const meta = applyMetadataPatch(this.#meta(sessionId), patch, this.#now());
      this.#stmt(SQL.updateMeta).run(metadataToColumns(meta));
      return meta;
    });
  }

  async fork(
    sessionId: string,
    options: { atSeq?: number; newSessionId?: string } = {},
  ): Promise<SessionMetadata> {
    const { atSeq: requested, newSessionId: id = newSessionId() } = options;
    return this.#transaction("Forking", sessionId, () => {
      const source = this.#meta(sessionId);
      const atSeq = forkPoint(sessionId, requested, source.lastSeq);
      const from = this.#sid(sessionId);
      const totals = this.#stmt(SQL.prefixTotals).get(from, from, atSeq) as Record<string, number>;
      const forked = forkedMetadata(id, source, atSeq, totalsFromColumns(totals), this.#now());
      this.#insertMeta(forked);
      const into = this.#sid(id);
      this.#stmt(SQL.copyPrefix).run(into, id, id, from, from, atSeq);
      this.#splitRunAt({ sessionId, sid: from }, atSeq, { sessionId: id, sid: into });
      return forked;
    });
  }

  async delete(sessionId: string): Promise<boolean> {
    return this.#transaction("Deleting", sessionId, () => {
      const row = this.#stmt(SQL.selectSid).get(sessionId);
      if (typeof row?.sid !== "number") return false;
      this.#stmt(SQL.deleteEvents).run(row.sid, row.sid);
      return Number(this.#stmt(SQL.deleteSession).run(row.sid).changes) > 0;
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
    this.#statements.clear();
  }

  #meta(sessionId: string): SessionMetadata {
    const row = this.#stmt(SQL.selectMeta).get(sessionId);
    if (!row) throw sessionNotFound(sessionId);
    return rowToMetadata(row);
  }

  /** The session's stable number, the high half of its events' keys. */
  #sid(sessionId: string): number {
    const row = this.#stmt(SQL.selectSid).get(sessionId);
    if (typeof row?.sid !== "number") throw sessionNotFound(sessionId);
    return row.sid;
  }

  #insertMeta(meta: SessionMetadata): void {
    try {
      this.#stmt(SQL.insertMeta).run(metadataToColumns(meta));
    } catch (error) {
      const classified = toSqliteStoreError(error, { operation: "Creating", path: this.path });
      throw classified.code === "session-conflict" ? sessionExists(meta.sessionId, error) : classified;
    }
  }

  #insertRows(sid: number, sessionId: string, rows: readonly EventRow[]): void {
    const insert = this.#stmt(SQL.insertEvent);
    for (const row of rows) {
      const { seq, endSeq, type, isDelta, data } = row;
      insert.run(sid, seq, sessionId, seq, endSeq, type, isDelta ? 1 : 0, EVENT_SCHEMA_VERSION, data);
    }
  }

  /** Copies the part up to `atSeq` of a run row that reaches past it into session `into`. */
  #splitRunAt(
    from: { sessionId: string; sid: number },
    atSeq: number,
    into: { sessionId: string; sid: number },
  ) {
    const row = this.#stmt(SQL.rowAtOrBefore, { arrays: true }).get(from.sid, atSeq, from.sid);
    if (!row) return;
    const [seq, endSeq, schemaVersion, data] = rowTuple(row);
    const split = forkRunRows(from.sessionId, { seq, endSeq, schemaVersion, data }, atSeq, into.sessionId);
    this.#insertRows(into.sid, into.sessionId, split);
  }

  #stmt(sql: string, options: { arrays?: boolean } = {}): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      // setReturnArrays is missing before Node 22.16; read() handles both row shapes.
      if (options.arrays && typeof statement.setReturnArrays === "function") statement.setReturnArrays(true);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #run<T>(operation: string, sessionId: string | undefined, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw toSqliteStoreError(error, { operation, path: this.path, sessionId });
    }
  }

  /** Runs `fn` in an immediate (write-locking) transaction; rolls back on any error. */
  #transaction<T>(operation: string, sessionId: string, fn: () => T): T {
    return this.#run(operation, sessionId, () => {
      this.#stmt(SQL.begin).run();
      try {
        const result = fn();
        this.#stmt(SQL.commit).run();
        return result;
      } catch (error) {
        // SQLite may already have rolled back (e.g. on SQLITE_FULL).
        rollback(this.#db);
        throw error;
      }
    });
  }
}
