import {
  checkSchemaVersion,
  corruptEvent,
  parseStoredEvent,
  type StoredEventLocation,
} from "../protocol/event-schema.js";
import { type AgentEvent, type AgentEventOf, isDeltaEvent, type MessageDelta } from "../protocol/index.js";

/*
 * How the SQL stores lay events out in rows. Most events get a row of their own holding
 * their JSON. A run of consecutive text, thinking or tool-input deltas of one content
 * block shares ONE row: the row's `seq` is the run's first seq, `endSeq` its last, and
 * the data holds what the deltas share once plus each delta's text and timestamp. A
 * streamed message costs a row per append instead of a row per token, and the row key
 * still collides when two writers append from the same seq.
 */

/** A row of a store's events table, as written. */
export interface EventRow {
  /** The seq of the row's (first) event: the row key with the session id. */
  seq: number;
  /** The last seq of a run row; null for a row holding one event. */
  endSeq: number | null;
  type: string;
  isDelta: boolean;
  /** The event's JSON, or the encoded run (see {@link decodeDeltaRun}). */
  data: string;
}

type Delta = AgentEventOf<"message-delta">;

/** What a run row stores: the shared fields once, then per delta its time step and text. */
interface DeltaRun {
  sessionId: string;
  messageId: string;
  turnId?: string;
  parentToolCallId?: string;
  kind: MessageDelta["kind"];
  index: number;
  toolCallId?: string;
  toolName?: string;
  /** The first delta's timestamp. */
  t0: number;
  /** Each later delta's timestamp minus its predecessor's. */
  dt: number[];
  /** Each delta's `text` (or `partialJson` for tool input). */
  texts: string[];
}

const ENVELOPE_KEYS = new Set(["type", "sessionId", "seq", "timestamp", "turnId", "parentToolCallId"]);
const TEXT_DELTA_KEYS = new Set(["kind", "index", "text"]);
const TOOL_INPUT_KEYS = new Set(["kind", "index", "toolCallId", "toolName", "partialJson"]);

/** Whether every defined own key of `value` is in `allowed` (a run keeps no other field). */
function onlyKeys(value: object, allowed: ReadonlySet<string>): boolean {
  for (const key in value) {
    if (!allowed.has(key) && (value as Record<string, unknown>)[key] !== undefined) return false;
  }
  return true;
}

/** A delta a run can hold without losing anything when it is read back. */
function runnable(event: AgentEvent): event is Delta {
  if (event.type !== "message-delta" || !Number.isSafeInteger(event.timestamp)) return false;
  for (const key in event) {
    if (key !== "messageId" && key !== "delta" && !ENVELOPE_KEYS.has(key)) {
      if ((event as unknown as Record<string, unknown>)[key] !== undefined) return false;
    }
  }
  return onlyKeys(event.delta, event.delta.kind === "tool-input" ? TOOL_INPUT_KEYS : TEXT_DELTA_KEYS);
}

function continues(run: Delta, prev: Delta, next: AgentEvent): boolean {
  if (!runnable(next) || next.seq !== prev.seq + 1) return false;
  const a = run.delta;
  const b = next.delta;
  return (
    next.sessionId === run.sessionId &&
    next.messageId === run.messageId &&
    next.turnId === run.turnId &&
    next.parentToolCallId === run.parentToolCallId &&
    a.kind === b.kind &&
    a.index === b.index &&
    (a.kind !== "tool-input" ||
      (b.kind === "tool-input" && a.toolCallId === b.toolCallId && a.toolName === b.toolName))
  );
}

function deltaText(delta: MessageDelta): string {
  return delta.kind === "tool-input" ? delta.partialJson : delta.text;
}

function encodeRun(events: readonly AgentEvent[], from: number, to: number): EventRow {
  const first = events[from] as Delta;
  const dt: number[] = new Array(to - from - 1);
  const texts: string[] = new Array(to - from);
  texts[0] = deltaText(first.delta);
  for (let i = from + 1; i < to; i++) {
    const event = events[i] as Delta;
    dt[i - from - 1] = event.timestamp - (events[i - 1] as Delta).timestamp;
    texts[i - from] = deltaText(event.delta);
  }
  const { kind, index } = first.delta;
  const tool = first.delta.kind === "tool-input" ? first.delta : undefined;
  const run: DeltaRun = {
    sessionId: first.sessionId,
    messageId: first.messageId,
    turnId: first.turnId,
    parentToolCallId: first.parentToolCallId,
    kind,
    index,
    toolCallId: tool?.toolCallId,
    toolName: tool?.toolName,
    t0: first.timestamp,
    dt,
    texts,
  };
  return {
    seq: first.seq,
    endSeq: events[to - 1]!.seq,
    type: "message-delta",
    isDelta: true,
    data: JSON.stringify(run),
  };
}

/**
 * Lays validated, gap-free events out as rows: runs of two or more consecutive deltas
 * of one content block (same message, kind, index, turn and envelope fields, integer
 * timestamps, no extra fields) become one row; every other event gets its own row.
 */
export function encodeEventRows(events: readonly AgentEvent[]): EventRow[] {
  const rows: EventRow[] = [];
  let i = 0;
  while (i < events.length) {
    const event = events[i]!;
    let end = i + 1;
    if (runnable(event)) {
      while (end < events.length && continues(event, events[end - 1] as Delta, events[end]!)) end++;
    }
    if (end - i > 1) {
      rows.push(encodeRun(events, i, end));
    } else {
      rows.push({
        seq: event.seq,
        endSeq: null,
        type: event.type,
        isDelta: isDeltaEvent(event),
        data: JSON.stringify(event),
      });
    }
    i = end;
  }
  return rows;
}

const isString = (v: unknown): v is string => typeof v === "string";
const optionalString = (v: unknown) => v === undefined || typeof v === "string";

function runProblem(run: Record<string, unknown>, count: number, sessionId: string): string | undefined {
  if (run.sessionId !== sessionId) return `says it is session ${String(run.sessionId)}`;
  const { kind, texts, dt } = run;
  const tool = kind === "tool-input";
  if (
    !isString(run.messageId) ||
    !(tool || kind === "text" || kind === "thinking") ||
    typeof run.index !== "number" ||
    !optionalString(run.turnId) ||
    !optionalString(run.parentToolCallId) ||
    (tool && (!isString(run.toolCallId) || !isString(run.toolName))) ||
    !Number.isSafeInteger(run.t0)
  ) {
    return "is a delta run with missing or invalid shared fields";
  }
  if (!Array.isArray(texts) || texts.length !== count || !texts.every(isString)) {
    return `is a delta run without ${count} texts`;
  }
  if (!Array.isArray(dt) || dt.length !== count - 1 || !dt.every((d) => Number.isSafeInteger(d))) {
    return `is a delta run without ${count - 1} time steps`;
  }
  return undefined;
}

/**
 * Reads back a run row (`seq` to `endSeq`) written by {@link encodeEventRows}: the deltas
 * in seq order. A row that is not valid JSON, breaks the run format, names another
 * session or was written by a newer Arky is a `store` error naming the seq range.
 */
export function decodeDeltaRun(
  data: string,
  schemaVersion: number,
  where: StoredEventLocation & { endSeq: number },
): AgentEvent[] {
  checkSchemaVersion(schemaVersion, where);
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (cause) {
    throw corruptEvent(where, "is not valid JSON", cause);
  }
  const count = where.endSeq - where.seq + 1;
  if (typeof value !== "object" || value === null || Array.isArray(value) || count < 2) {
    throw corruptEvent(where, "is not a delta run");
  }
  const problem = runProblem(value as Record<string, unknown>, count, where.sessionId);
  if (problem) throw corruptEvent(where, problem);
  const run = value as DeltaRun;
  const events: AgentEvent[] = new Array(count);
  let timestamp = run.t0;
  for (let i = 0; i < count; i++) {
    if (i > 0) timestamp += run.dt[i - 1]!;
    const text = run.texts[i]!;
    const delta: MessageDelta =
      run.kind === "tool-input"
        ? {
            kind: run.kind,
            index: run.index,
            toolCallId: run.toolCallId!,
            toolName: run.toolName!,
            partialJson: text,
          }
        : { kind: run.kind, index: run.index, text };
    const seq = where.seq + i;
    const { messageId, sessionId, turnId } = run;
    // Built whole rather than with keys deleted after, which would slow every later access.
    const event: Delta =
      turnId === undefined
        ? ({ type: "message-delta", messageId, delta, sessionId, seq, timestamp } as Delta)
        : { type: "message-delta", messageId, delta, sessionId, seq, timestamp, turnId };
    if (run.parentToolCallId !== undefined) event.parentToolCallId = run.parentToolCallId;
    events[i] = event;
  }
  return events;
}

/**
 * The events of a stored row as a driver returns its columns (`seq`, `end_seq`,
 * `schema_version`, `data`), in seq order. A corrupt row is a `store` error naming its seq.
 */
export function decodeEventRow(
  sessionId: string,
  seq: number,
  endSeq: unknown,
  schemaVersion: unknown,
  data: unknown,
): AgentEvent[] {
  const version = typeof schemaVersion === "number" ? schemaVersion : Number.NaN;
  const text = typeof data === "string" ? data : "";
  if (endSeq == null) return [parseStoredEvent(text, version, { sessionId, seq })];
  const end = typeof endSeq === "number" ? endSeq : Number.NaN;
  return decodeDeltaRun(text, version, { sessionId, seq, endSeq: end });
}

/**
 * For a fork at `atSeq`: when the row (as read, see {@link decodeEventRow}) is a run
 * that starts at or before `atSeq` and ends after it, the rows that copy its events up to
 * `atSeq` into session `into`; otherwise none (whole rows are copied in SQL).
 */
export function forkRunRows(
  sessionId: string,
  row: { seq: number; endSeq: unknown; schemaVersion: unknown; data: unknown },
  atSeq: number,
  into: string,
): EventRow[] {
  if (typeof row.endSeq !== "number" || row.seq > atSeq || row.endSeq <= atSeq) return [];
  const kept = decodeEventRow(sessionId, row.seq, row.endSeq, row.schemaVersion, row.data)
    .filter((e) => e.seq <= atSeq)
    .map((e) => ({ ...e, sessionId: into }));
  return encodeEventRows(kept);
}
