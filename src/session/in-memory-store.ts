import { type AgentEvent, isDeltaEvent, newSessionId } from "../protocol/index.js";
import {
  applyMetadataPatch,
  assertAppendable,
  foldEvents,
  forkPoint,
  newMetadata,
  sessionExists,
  sessionNotFound,
} from "./metadata.js";
import type {
  ListOptions,
  ReadOptions,
  SessionMetadata,
  SessionMetadataInput,
  SessionStore,
  TailOptions,
} from "./store.js";

/** Options of {@link InMemorySessionStore}. */
export interface InMemorySessionStoreOptions {
  /** The clock of `createdAt` and `updatedAt`, in ms since the epoch (default `Date.now`); tests pass their own. */
  now?: () => number;
}

interface Entry {
  meta: SessionMetadata;
  events: AgentEvent[];
}

/**
 * A {@link SessionStore} in process memory. The default when no store is given; lost
 * when the process exits. Events are stored by reference: treat them as immutable.
 */
export class InMemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, Entry>();
  /** Wakes the tails waiting for a change (an append or a delete). */
  readonly #wakers = new Set<() => void>();
  readonly #now: () => number;

  constructor(options: InMemorySessionStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  async create(sessionId: string, metadata?: SessionMetadataInput): Promise<SessionMetadata> {
    if (this.#sessions.has(sessionId)) throw sessionExists(sessionId);
    const meta = newMetadata(sessionId, metadata, this.#now());
    this.#sessions.set(sessionId, { meta, events: [] });
    return structuredClone(meta);
  }

  async append(sessionId: string, events: readonly AgentEvent[]): Promise<void> {
    const entry = this.#entry(sessionId);
    assertAppendable(sessionId, entry.meta.lastSeq, events);
    for (const e of events) entry.events.push(e);
    entry.meta = foldEvents(entry.meta, events, this.#now());
    if (events.length > 0) this.#wake();
  }

  async *read(sessionId: string, options: ReadOptions = {}): AsyncIterable<AgentEvent> {
    const { events } = this.#entry(sessionId);
    const after = Math.floor(options.afterSeq ?? 0);
    // seq n sits at index n - 1 in a gap-free log.
    for (let i = Math.max(0, after); i < events.length; i++) {
      const event = events[i]!;
      if (options.excludeDeltas && isDeltaEvent(event)) continue;
      yield event;
    }
  }

  /** Follows a session live (see {@link SessionStore.tail}); wakes on each append, no polling. */
  async *tail(sessionId: string, options: TailOptions = {}): AsyncIterable<AgentEvent> {
    const { signal } = options;
    let next = Math.max(0, Math.floor(options.afterSeq ?? 0));
    while (!signal?.aborted) {
      // Look the session up again after every yield: it may have grown or been deleted meanwhile,
      // and no await may sit between that check and waiting for the next change.
      const { events } = this.#entry(sessionId);
      if (next < events.length) yield events[next++]!;
      else await this.#change(signal);
    }
  }

  async get(sessionId: string): Promise<SessionMetadata | undefined> {
    const entry = this.#sessions.get(sessionId);
    return entry ? structuredClone(entry.meta) : undefined;
  }

  async list(options: ListOptions = {}): Promise<SessionMetadata[]> {
    let metas = [...this.#sessions.values()].map((e) => structuredClone(e.meta));
    if (options.tag !== undefined) metas = metas.filter((m) => m.tags.includes(options.tag!));
    metas.sort((a, b) => b.updatedAt - a.updatedAt);
    return options.limit !== undefined ? metas.slice(0, options.limit) : metas;
  }

  async update(sessionId: string, patch: SessionMetadataInput): Promise<SessionMetadata> {
    const entry = this.#entry(sessionId);
    entry.meta = applyMetadataPatch(entry.meta, structuredClone(patch), this.#now());
    return structuredClone(entry.meta);
  }

  async fork(
    sessionId: string,
    options: { atSeq?: number; newSessionId?: string } = {},
  ): Promise<SessionMetadata> {
    const source = this.#entry(sessionId);
    const atSeq = forkPoint(sessionId, options.atSeq, source.meta.lastSeq);
    const id = options.newSessionId ?? newSessionId();
    const { title, runtime, model, cwd, tags, runtimeState } = source.meta;
    const meta = await this.create(id, { title, runtime, model, cwd, tags, runtimeState });
    const copied = source.events.slice(0, atSeq).map((e) => ({ ...e, sessionId: id }));
    await this.append(id, copied);
    const entry = this.#entry(id);
    entry.meta = { ...entry.meta, parentSessionId: sessionId, forkedAtSeq: atSeq };
    return structuredClone({ ...entry.meta, createdAt: meta.createdAt });
  }

  async delete(sessionId: string): Promise<boolean> {
    const existed = this.#sessions.delete(sessionId);
    if (existed) this.#wake();
    return existed;
  }

  #change(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        this.#wakers.delete(wake);
        signal?.removeEventListener("abort", wake);
        resolve();
      };
      this.#wakers.add(wake);
      signal?.addEventListener("abort", wake, { once: true });
    });
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }

  #entry(sessionId: string): Entry {
    const entry = this.#sessions.get(sessionId);
    if (!entry) throw sessionNotFound(sessionId);
    return entry;
  }
}
