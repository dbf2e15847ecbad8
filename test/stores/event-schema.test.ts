import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  assertStorableEvents,
  parseStoredEvent,
  storedEventSchemas,
  validateStoredEvent,
} from "../../src/protocol/event-schema.js";
import { type AgentEvent, EVENT_SCHEMA_VERSION } from "../../src/protocol/index.js";
import { rebuildMessages } from "../../src/session/index.js";
import { stamp, storeError, textTurn, toolTurn } from "../session/events.js";
import { sessionEvents } from "./helpers.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/events/${name}`, import.meta.url), "utf8")
    .trim()
    .split("\n");

describe("stored event schema", () => {
  it("loads the frozen v1 fixture, which covers every event type", () => {
    const lines = fixture("v1.jsonl");
    const events = lines.map((line, i) => parseStoredEvent(line, 1, { sessionId: "fixture-v1", seq: i + 1 }));
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(Object.keys(storedEventSchemas)));
    expect(events.map((e) => e.seq)).toEqual(lines.map((_, i) => i + 1));
    // Nothing is dropped or rewritten: each event is its line's JSON.
    expect(events).toEqual(lines.map((line) => JSON.parse(line)));
    const messages = rebuildMessages(events);
    const toolCall = events[6]!;
    expect(toolCall.type === "message-end" && messages).toContainEqual(
      toolCall.type === "message-end" ? toolCall.message : undefined,
    );
  });

  it("loads tool events with a runtime's name in toolName (older logs) and with runtimeToolName", () => {
    const base = {
      sessionId: "s",
      seq: 1,
      timestamp: 1,
      turnId: "t",
      toolCallId: "c",
      input: { command: "ls" },
    };
    const old = { ...base, type: "tool-execution-start", toolName: "Bash" };
    const current = { ...old, toolName: "bash", runtimeToolName: "Bash" };
    expect(validateStoredEvent(old, 1, base)).toEqual(old);
    expect(validateStoredEvent(current, EVENT_SCHEMA_VERSION, base)).toEqual(current);
    expect(() => validateStoredEvent({ ...current, runtimeToolName: 7 }, 1, base)).toThrow();
  });

  it("round-trips events written by the current writer", () => {
    const events = [...stamp("s1", toolTurn("hi")), ...stamp("s1", textTurn("again"), { firstSeq: 12 })];
    for (const event of events) {
      const back = parseStoredEvent(JSON.stringify(event), EVENT_SCHEMA_VERSION, event);
      expect(back).toEqual(event);
    }
  });

  it("reads back tool events whose input or update was undefined (JSON drops the key)", () => {
    const [start, update] = stamp("s1", [
      { type: "tool-execution-start", toolCallId: "t1", toolName: "noop", input: undefined },
      { type: "tool-execution-update", toolCallId: "t1", toolName: "noop", update: undefined },
    ]);
    for (const event of [start!, update!]) {
      expect(parseStoredEvent(JSON.stringify(event), 1, event)).toMatchObject({
        type: event.type,
        seq: event.seq,
      });
    }
  });

  it("refuses to store events that would not read back", () => {
    const events = sessionEvents("w", 1);
    expect(() => assertStorableEvents(events)).not.toThrow();
    const turnEnd = events[10]!;
    for (const [patch, path] of [
      [{ costUsd: Number.NaN }, "costUsd"],
      [{ durationMs: Number.POSITIVE_INFINITY }, "durationMs"],
      [{ type: "turn-finish" }, undefined],
      [{ seq: 0 }, "seq"],
    ] as const) {
      const bad = { ...turnEnd, ...patch } as AgentEvent;
      const error = storeError(() => assertStorableEvents([events[0]!, bad]));
      expect(error.message).toContain(`of session w`);
      expect(error.message).toContain("nothing was stored");
      if (path) expect(error.message).toContain(`at ${path}`);
    }
  });

  it("names the session and seq of a row that is not JSON", () => {
    const error = storeError(() => parseStoredEvent("{not json", 1, { sessionId: "s9", seq: 42 }));
    expect(error.message).toContain("seq 42");
    expect(error.message).toContain("session s9");
    expect(error.details).toMatchObject({ sessionId: "s9", seq: 42 });
    expect(error.retryable).toBe(false);
  });

  it("refuses an unknown event type", () => {
    const line = JSON.stringify({ type: "telepathy", sessionId: "s1", seq: 3, timestamp: 1 });
    const error = storeError(() => parseStoredEvent(line, 1, { sessionId: "s1", seq: 3 }));
    expect(error.message).toContain('unknown event type "telepathy"');
    expect(error.message).toContain("seq 3 of session s1");
  });

  it("refuses a newer schema version and says to upgrade", () => {
    const line = fixture("v1.jsonl")[0]!;
    const error = storeError(() =>
      parseStoredEvent(line, EVENT_SCHEMA_VERSION + 1, { sessionId: "a", seq: 1 }),
    );
    expect(error.message).toContain(`version ${EVENT_SCHEMA_VERSION + 1}`);
    expect(error.correction).toMatch(/upgrade arky/i);
    expect(storeError(() => parseStoredEvent(line, 0)).message).toContain("invalid schema version 0");
  });

  it("refuses an envelope or body that breaks the schema, naming the path", () => {
    const [event] = stamp("s1", toolTurn("x"));
    const bad = (patch: Record<string, unknown>) => ({ ...(event as AgentEvent), ...patch });
    expect(storeError(() => validateStoredEvent(bad({ seq: 0 }), 1)).message).toContain("at seq");
    expect(storeError(() => validateStoredEvent(bad({ sessionId: 7 }), 1)).message).toContain("at sessionId");
    expect(storeError(() => validateStoredEvent(bad({ runtime: undefined }), 1)).message).toContain(
      "at runtime",
    );
    expect(storeError(() => validateStoredEvent([1, 2], 1)).message).toContain("not a JSON object");
  });

  it("refuses a row whose event claims another session or seq", () => {
    const [event] = stamp("s1", toolTurn("x"));
    expect(storeError(() => validateStoredEvent(event, 1, { sessionId: "s1", seq: 2 })).message).toContain(
      "says it is session s1 seq 1",
    );
    expect(storeError(() => validateStoredEvent(event, 1, { sessionId: "s2", seq: 1 })).message).toContain(
      "session s2",
    );
  });

  it("accepts and refuses message deltas exactly as their zod schema does", () => {
    const base = JSON.parse(fixture("v1.jsonl")[5]!) as Record<string, unknown>;
    const delta = base.delta as Record<string, unknown>;
    const variants: Record<string, unknown>[] = [
      base,
      { ...base, turnId: undefined, parentToolCallId: "toolu_x" },
      { ...base, turnId: 5 },
      { ...base, parentToolCallId: null },
      { ...base, seq: 1.5 },
      { ...base, seq: -1 },
      { ...base, sessionId: "" },
      { ...base, timestamp: "now" },
      { ...base, messageId: undefined },
      { ...base, delta: null },
      { ...base, delta: { ...delta, index: "0" } },
      { ...base, delta: { ...delta, kind: "text", text: "t" } },
      { ...base, delta: { ...delta, kind: "text" } },
      { ...base, delta: { kind: "thinking", index: 0, text: "t" } },
      { ...base, delta: { kind: "thinking", index: 0 } },
      { ...base, delta: { ...delta, partialJson: 3 } },
      { ...base, delta: { ...delta, toolName: undefined } },
      { ...base, delta: { ...delta, toolCallId: undefined } },
      { ...base, delta: { ...delta, kind: "audio" } },
    ];
    for (const variant of variants) {
      const zodOk = storedEventSchemas["message-delta"].safeParse(variant).success;
      let ok = true;
      try {
        validateStoredEvent(variant, 1);
      } catch {
        ok = false;
      }
      expect({ variant, ok }).toEqual({ variant, ok: zodOk });
    }
    expect(variants.filter((v) => storedEventSchemas["message-delta"].safeParse(v).success)).toHaveLength(4);
  });
});
