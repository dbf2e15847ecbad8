import { describe, expect, it } from "vitest";
import { type AgentEvent, EVENT_SCHEMA_VERSION } from "../../src/protocol/index.js";
import {
  decodeDeltaRun,
  decodeEventRow,
  encodeEventRows,
  forkRunRows,
} from "../../src/session/event-rows.js";
import { storeError } from "./events.js";
import { streamedTurn } from "./store-contract-runs.js";

const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

function readBack(sessionId: string, events: readonly AgentEvent[]): AgentEvent[] {
  return encodeEventRows(events).flatMap((row) =>
    decodeEventRow(sessionId, row.seq, row.endSeq, EVENT_SCHEMA_VERSION, row.data),
  );
}

describe("event rows", () => {
  const all = streamedTurn("s");

  it("keeps runs of deltas of one block in one row and everything else in its own", () => {
    const rows = encodeEventRows(all);
    expect(rows.map((r) => [r.seq, r.endSeq, r.type, r.isDelta])).toEqual([
      [1, null, "message-start", false],
      [2, 7, "message-delta", true], // thinking
      [8, 15, "message-delta", true], // text
      [16, 19, "message-delta", true], // tool input
      [20, null, "tool-execution-update", true],
      [21, 22, "message-delta", true], // a sub-agent's, with parentToolCallId
      [23, null, "message-delta", true], // an extra field
      [24, null, "message-delta", true], // a fractional timestamp
      [25, null, "message-delta", true], // no turn id, unlike the next
      [26, null, "message-delta", true],
    ]);
  });

  it("reads back exactly what was written; deltas from runs key for key", () => {
    const back = readBack("s", all);
    expect(back).toEqual(plain(all));
    const deltas = (events: readonly AgentEvent[]) => events.filter((e) => e.type === "message-delta");
    expect(JSON.stringify(deltas(back))).toBe(JSON.stringify(deltas(all)));
  });

  it("splits a run at a gap in seq or a change of message, index or turn", () => {
    const base = all.slice(7, 15);
    const gap = base.map((e, i) => ({ ...e, seq: e.seq + (i >= 3 ? 1 : 0) }));
    expect(encodeEventRows(gap).map((r) => [r.seq, r.endSeq])).toEqual([
      [8, 10],
      [12, 16],
    ]);
    const turns = base.map((e, i) => ({ ...e, turnId: i < 5 ? "a" : "b" }));
    expect(encodeEventRows(turns).map((r) => [r.seq, r.endSeq])).toEqual([
      [8, 12],
      [13, 15],
    ]);
    const single = encodeEventRows(base.slice(0, 1));
    expect(single).toEqual([expect.objectContaining({ seq: 8, endSeq: null })]);
    expect(JSON.parse(single[0]!.data)).toEqual(plain(base[0]));
  });

  it("forks a run row at a seq inside it", () => {
    const [row] = encodeEventRows(all.slice(7, 15));
    const at = { seq: row!.seq, endSeq: row!.endSeq, schemaVersion: EVENT_SCHEMA_VERSION, data: row!.data };
    const split = forkRunRows("s", at, 10, "f");
    expect(split.map((r) => [r.seq, r.endSeq])).toEqual([[8, 10]]);
    const back = decodeEventRow("f", 8, 10, EVENT_SCHEMA_VERSION, split[0]!.data);
    expect(back).toEqual(plain(all.slice(7, 10).map((e) => ({ ...e, sessionId: "f" }))));
    expect(forkRunRows("s", at, 8, "f")).toEqual([expect.objectContaining({ seq: 8, endSeq: null })]);
    expect(forkRunRows("s", at, 15, "f")).toEqual([]);
    expect(forkRunRows("s", at, 7, "f")).toEqual([]);
  });

  describe("a corrupt run row is a store error naming its seq range", () => {
    const [row] = encodeEventRows(all.slice(7, 15));
    const where = { sessionId: "s", seq: 8, endSeq: 15 };
    const run = JSON.parse(row!.data) as Record<string, unknown>;
    const withRun = (patch: Record<string, unknown>) => JSON.stringify({ ...run, ...patch });

    it("not JSON", () => {
      const error = storeError(() => decodeDeltaRun("{trunc", 1, where));
      expect(error.message).toBe("Stored events seq 8-15 of session s is not valid JSON.");
      expect(error.details).toMatchObject(where);
    });

    it("from a newer schema version", () => {
      const error = storeError(() => decodeDeltaRun(row!.data, EVENT_SCHEMA_VERSION + 1, where));
      expect(error.correction).toMatch(/upgrade arky/i);
      expect(error.details).toMatchObject({ ...where, schemaVersion: EVENT_SCHEMA_VERSION + 1 });
    });

    it("with the wrong number of texts or time steps, or bad shared fields", () => {
      expect(storeError(() => decodeDeltaRun(withRun({ texts: ["a"] }), 1, where)).message).toContain(
        "without 8 texts",
      );
      expect(storeError(() => decodeDeltaRun(withRun({ dt: [1, 2] }), 1, where)).message).toContain(
        "without 7 time steps",
      );
      expect(
        storeError(() => decodeDeltaRun(withRun({ dt: [0, 0, 0, 0, 0, 0, 0.5] }), 1, where)).message,
      ).toContain("time steps");
      for (const patch of [{ kind: "image" }, { messageId: 3 }, { index: "0" }, { t0: "x" }, { turnId: 1 }]) {
        expect(storeError(() => decodeDeltaRun(withRun(patch), 1, where)).message).toContain(
          "invalid shared fields",
        );
      }
      expect(storeError(() => decodeDeltaRun("[1,2]", 1, where)).message).toContain("is not a delta run");
      const tool = encodeEventRows(all.slice(15, 19))[0]!;
      const toolRun = { ...JSON.parse(tool.data), toolName: undefined };
      expect(
        storeError(() => decodeDeltaRun(JSON.stringify(toolRun), 1, { sessionId: "s", seq: 16, endSeq: 19 }))
          .message,
      ).toContain("invalid shared fields");
    });

    it("that says it belongs to another session", () => {
      expect(storeError(() => decodeDeltaRun(row!.data, 1, { ...where, sessionId: "t" })).message).toContain(
        "says it is session s",
      );
    });

    it("whose row has no end seq number", () => {
      expect(storeError(() => decodeEventRow("s", 8, "15", 1, row!.data)).message).toContain("seq 8-NaN");
    });
  });
});
