import { z } from "zod";
import type { AgentEvent } from "../../protocol/index.js";
import { decodeEventRow, type EventRow } from "../../session/event-rows.js";
import {
  corruptSessionRow,
  metadataFromColumns,
  metadataToColumns,
  type SessionMetadata,
} from "../../session/index.js";
import { sessionRowSchema } from "../../session/session-row-schema.js";

// pg returns bigint columns as strings; numeric text is converted here.
const bigint = z.union([z.number(), z.string().regex(/^-?\d+$/)]).transform(Number);

const sessionRow = sessionRowSchema({
  int: bigint,
  tags: z.array(z.string()),
  runtimeState: z.record(z.string(), z.unknown()).nullable(),
});

/** The session columns, in the order {@link metadataToParams} returns them. */
export const SESSION_COLUMNS = Object.keys(sessionRow.shape);

/** Validates a `sessions` row and converts it to metadata; a bad row is a `store` error. */
export function rowToMetadata(row: unknown): SessionMetadata {
  const parsed = sessionRow.safeParse(row);
  if (!parsed.success) throw corruptSessionRow(row, parsed.error);
  const r = parsed.data;
  return metadataFromColumns(r, r.tags, r.runtime_state);
}

/** Metadata as query parameters, in {@link SESSION_COLUMNS} order (JSON columns as text). */
export function metadataToParams(meta: SessionMetadata): unknown[] {
  return Object.values(metadataToColumns(meta));
}

/** An events row as `pg` returns it. */
export type EventRowColumns = { seq: number; end_seq: unknown; schema_version: unknown; data: unknown };

/** The row as `forkRunRows` takes it. */
export function toRow(row: EventRowColumns) {
  return { seq: row.seq, endSeq: row.end_seq, schemaVersion: row.schema_version, data: row.data };
}

/** The events of a row (see {@link decodeEventRow}). */
export function decode(sessionId: string, row: EventRowColumns): AgentEvent[] {
  return decodeEventRow(sessionId, row.seq, row.end_seq, row.schema_version, row.data);
}

/** Rows as the five arrays the insert statements unnest: seq, end_seq, type, is_delta, data. */
export function eventColumns(rows: readonly EventRow[]): unknown[] {
  const seqs: number[] = [];
  const endSeqs: (number | null)[] = [];
  const types: string[] = [];
  const deltas: boolean[] = [];
  const data: string[] = [];
  for (const row of rows) {
    seqs.push(row.seq);
    endSeqs.push(row.endSeq);
    types.push(row.type);
    deltas.push(row.isDelta);
    data.push(row.data);
  }
  return [seqs, endSeqs, types, deltas, data];
}
