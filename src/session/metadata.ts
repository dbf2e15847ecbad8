import { type AgentEvent, ArkyError, addUsage, emptyUsage, type Usage } from "../protocol/index.js";
import type { SessionMetadata, SessionMetadataInput } from "./store.js";

/** A fresh metadata record. Shared by every store so they agree on defaults. */
export function newMetadata(
  sessionId: string,
  input: SessionMetadataInput = {},
  now = Date.now(),
): SessionMetadata {
  const meta: SessionMetadata = {
    sessionId,
    tags: input.tags ?? [],
    createdAt: now,
    updatedAt: now,
    lastSeq: 0,
    usage: emptyUsage(),
    costUsd: 0,
  };
  return applyMetadataPatch(meta, input, now);
}

/** Applies a patch (undefined fields are left alone). */
export function applyMetadataPatch(
  meta: SessionMetadata,
  patch: SessionMetadataInput,
  now = Date.now(),
): SessionMetadata {
  const next = { ...meta, updatedAt: now };
  if (patch.title !== undefined) next.title = patch.title;
  if (patch.runtime !== undefined) next.runtime = patch.runtime;
  if (patch.model !== undefined) next.model = patch.model;
  if (patch.cwd !== undefined) next.cwd = patch.cwd;
  if (patch.tags !== undefined) next.tags = [...patch.tags];
  if (patch.runtimeState !== undefined) next.runtimeState = patch.runtimeState;
  return next;
}

/**
 * Checks that `events` continue a session whose last seq is `lastSeq`: same session id,
 * `seq` from `lastSeq + 1` without gaps. Throws `session-conflict` otherwise.
 */
export function assertAppendable(sessionId: string, lastSeq: number, events: readonly AgentEvent[]): void {
  let expected = lastSeq + 1;
  for (const event of events) {
    if (event.sessionId !== sessionId || event.seq !== expected) {
      throw new ArkyError({
        code: "session-conflict",
        message: `Append to session ${sessionId} expected seq ${expected} but got ${event.seq}${
          event.sessionId !== sessionId ? ` of session ${event.sessionId}` : ""
        }; another writer may have appended first.`,
        details: { sessionId, expectedSeq: expected, actualSeq: event.seq },
      });
    }
    expected++;
  }
}

/**
 * Event types that {@link foldEvents} reads metadata from (title, runtime, model, cwd,
 * totals), plus the session's end: a store that writes its metadata row lazily writes it
 * for these, so the row is exact at every turn and session boundary.
 */
const METADATA_EVENTS: ReadonlySet<string> = new Set([
  "session-start",
  "turn-start",
  "turn-end",
  "session-end",
]);

/** Whether appending `events` changes more of a session's metadata than its last seq and update time. */
export function carriesMetadata(events: readonly AgentEvent[]): boolean {
  return events.some((e) => METADATA_EVENTS.has(e.type));
}

/** Folds appended events into the metadata totals (last seq, usage, cost, model). */
export function foldEvents(
  meta: SessionMetadata,
  events: readonly AgentEvent[],
  now = Date.now(),
): SessionMetadata {
  if (events.length === 0) return meta;
  const next = { ...meta, updatedAt: now, lastSeq: events[events.length - 1]!.seq };
  for (const event of events) {
    if (event.type === "turn-end") {
      next.usage = addUsage(next.usage, event.usage);
      next.costUsd += event.costUsd ?? 0;
    } else if (event.type === "session-start") {
      if (event.model && !next.model) next.model = event.model;
      if (!next.runtime) next.runtime = event.runtime;
      if (event.cwd && !next.cwd) next.cwd = event.cwd;
    } else if (event.type === "turn-start" && next.title === undefined) {
      const text = event.input.content.find((b) => b.type === "text");
      if (text && text.type === "text") next.title = text.text.replace(/\s+/g, " ").trim().slice(0, 80);
    }
  }
  return next;
}

/** The error for an unknown session id. */
export function sessionNotFound(sessionId: string): ArkyError {
  return new ArkyError({ code: "session-not-found", message: `No session with id ${sessionId}.` });
}

/** The error for creating a session whose id is taken. */
export function sessionExists(sessionId: string, cause?: unknown): ArkyError {
  return new ArkyError({ code: "session-conflict", message: `Session ${sessionId} already exists.`, cause });
}

/**
 * The `seq` a fork copies up to: `atSeq` (default and maximum: `lastSeq`). Throws a
 * `configuration` error when `atSeq` is not a non-negative integer. Shared by every store.
 */
export function forkPoint(sessionId: string, atSeq: number | undefined, lastSeq: number): number {
  if (atSeq === undefined) return lastSeq;
  if (!Number.isInteger(atSeq) || atSeq < 0) {
    throw new ArkyError({
      code: "configuration",
      message: `Cannot fork session ${sessionId} at seq ${atSeq}.`,
      correction:
        "Pass a non-negative integer atSeq (0 forks an empty session), or omit it to copy all events.",
    });
  }
  return Math.min(atSeq, lastSeq);
}

/**
 * The metadata of session `id`, a fork of `source` at `atSeq`: the source's title, runtime,
 * model, cwd, tags and runtime state, with the usage and cost of the copied events.
 */
export function forkedMetadata(
  id: string,
  source: SessionMetadata,
  atSeq: number,
  copied: { usage: Usage; costUsd: number },
  now: number,
): SessionMetadata {
  const { title, runtime, model, cwd, tags, runtimeState } = source;
  return {
    ...newMetadata(id, { title, runtime, model, cwd, tags, runtimeState }, now),
    parentSessionId: source.sessionId,
    forkedAtSeq: atSeq,
    lastSeq: atSeq,
    usage: copied.usage,
    costUsd: copied.costUsd,
  };
}
