import type { AgentEvent, Usage } from "../protocol/index.js";

/** What a store keeps about a session besides its events. */
export interface SessionMetadata {
  sessionId: string;
  title?: string;
  /** Runtime kind that ran the session (`native`, `claude-code`, `codex`). */
  runtime?: string;
  model?: string;
  cwd?: string;
  tags: string[];
  /** Milliseconds since the epoch. */
  createdAt: number;
  /**
   * When the session last changed (milliseconds since the epoch). Exact at every turn's
   * start and end; while a turn streams, a store may refresh it lazily (SqliteSessionStore:
   * at most a second late).
   */
  updatedAt: number;
  /** Set on forks: the session and `seq` the fork was taken from. */
  parentSessionId?: string;
  forkedAtSeq?: number;
  /** The highest `seq` stored (0 when empty). */
  lastSeq: number;
  /** Totals over every `turn-end` stored. */
  usage: Usage;
  costUsd: number;
  /**
   * Runtime-owned resume data (a CLI's own session or thread id, a transcript copy).
   * Plain JSON.
   */
  runtimeState?: Record<string, unknown>;
}

/** Fields a caller may set when creating or updating a session. */
export interface SessionMetadataInput {
  title?: string;
  runtime?: string;
  model?: string;
  cwd?: string;
  tags?: string[];
  runtimeState?: Record<string, unknown>;
}

/** Options of {@link SessionStore.read}. */
export interface ReadOptions {
  /** Only events with a greater `seq` (default 0: all). */
  afterSeq?: number;
  /** Leave out `message-delta` and `tool-execution-update` events. */
  excludeDeltas?: boolean;
}

/** Options of {@link SessionStore.list}. */
export interface ListOptions {
  /** Only sessions with this tag. */
  tag?: string;
  /** At most this many, most recently updated first. */
  limit?: number;
}

/** Options of {@link SessionStore.tail}. */
export interface TailOptions {
  /** Start after this seq (default 0: from the beginning). */
  afterSeq?: number;
  /** Ends the tail; the iteration then finishes normally. */
  signal?: AbortSignal;
}

/**
 * An append-only event log per session: the source of truth for replay, resume and
 * fork. Implementations: in memory, SQLite, Postgres.
 *
 * Contract: `append` is atomic per call and checks sequence numbers: the first event
 * must have `seq === lastSeq + 1` and the rest must follow without gaps, otherwise it
 * throws an `ArkyError` with code `session-conflict` and stores nothing (so two writers
 * cannot interleave). Store failures throw `store` errors; unknown sessions throw
 * `session-not-found`.
 */
export interface SessionStore {
  /** Creates an empty session. Throws `session-conflict` if the id exists. */
  create(sessionId: string, metadata?: SessionMetadataInput): Promise<SessionMetadata>;
  /** Appends events to an existing session (see the contract above). */
  append(sessionId: string, events: readonly AgentEvent[]): Promise<void>;
  /** The session's events in `seq` order. */
  read(sessionId: string, options?: ReadOptions): AsyncIterable<AgentEvent>;
  /** A session's metadata, or undefined when there is none. */
  get(sessionId: string): Promise<SessionMetadata | undefined>;
  /** Sessions, most recently updated first. */
  list(options?: ListOptions): Promise<SessionMetadata[]>;
  /** Changes a session's title, tags, model or runtime state. */
  update(sessionId: string, patch: SessionMetadataInput): Promise<SessionMetadata>;
  /**
   * Copies the events with `seq <= atSeq` (default: all) into a new session whose
   * metadata names this one as parent. Returns the new session's metadata.
   */
  fork(sessionId: string, options?: { atSeq?: number; newSessionId?: string }): Promise<SessionMetadata>;
  /** Deletes a session and its events; returns whether it existed. */
  delete(sessionId: string): Promise<boolean>;
  /**
   * Follows a session live, yielding the stored events after `afterSeq` and
   * then each event appended later, by this or another process, until `signal` aborts.
   * Throws `session-not-found` for an unknown session. The SQLite store polls the file;
   * the Postgres store wakes on LISTEN/NOTIFY.
   */
  tail(sessionId: string, options?: TailOptions): AsyncIterable<AgentEvent>;
  /** Releases connections and file handles. */
  close?(): Promise<void>;
}
