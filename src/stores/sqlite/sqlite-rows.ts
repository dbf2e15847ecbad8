import { z } from "zod";
import { corruptSessionRow, metadataFromColumns, type SessionMetadata } from "../../session/index.js";
import { sessionRowSchema } from "../../session/session-row-schema.js";

const sessionRow = sessionRowSchema({
  int: z.number(),
  tags: z.string(),
  runtimeState: z.string().nullable(),
});

const tagsSchema = z.array(z.string());
const runtimeStateSchema = z.record(z.string(), z.unknown());

/** The session columns, in table order. */
export const SESSION_COLUMNS = Object.keys(sessionRow.shape);

/** Validates a `sessions` row and converts it to metadata; a bad row is a `store` error. */
export function rowToMetadata(row: unknown): SessionMetadata {
  const parsed = sessionRow.safeParse(row);
  const r = parsed.success ? parsed.data : undefined;
  const tags = r ? tagsSchema.safeParse(parseJson(r.tags)) : undefined;
  const state =
    r?.runtime_state == null ? undefined : runtimeStateSchema.safeParse(parseJson(r.runtime_state));
  if (!r || !tags?.success || (state && !state.success)) {
    throw corruptSessionRow(
      row,
      parsed.success ? (tags?.success ? state?.error : tags?.error) : parsed.error,
    );
  }
  return metadataFromColumns(r, tags.data, state?.success ? state.data : undefined);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Reported by the caller as a corrupt row.
    return undefined;
  }
}

/** An events row as read: `[seq, end_seq, schema_version, data]` (objects before Node 22.16). */
type RowObject = { seq: number; end_seq: unknown; schema_version: unknown; data: unknown };
export type EventRowTuple = [seq: number, endSeq: unknown, version: unknown, data: unknown];

/** An events row as `[seq, end_seq, schema_version, data]`, whichever shape the driver returned. */
export function rowTuple(row: unknown): EventRowTuple {
  if (Array.isArray(row)) return row as EventRowTuple;
  const r = row as RowObject;
  return [r.seq, r.end_seq, r.schema_version, r.data];
}
