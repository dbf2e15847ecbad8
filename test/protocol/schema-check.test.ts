import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isValidMessageDelta, storedEventSchemas } from "../../src/protocol/event-schema.js";
import { compileSchemaCheck } from "../../src/protocol/schema-check.js";
import { stamp, textTurn, toolTurn } from "../session/events.js";

const fixtureEvents = readFileSync(new URL("../fixtures/events/v1.jsonl", import.meta.url), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line) as Record<string, unknown>);

// Values put in place of each field: wrong types, edge numbers, other valid tags.
const PROBES: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.MAX_SAFE_INTEGER + 2,
  "",
  "x",
  "🙂",
  true,
  [],
  {},
  ["x"],
  [1],
  Object.create(null),
  new Date(0),
  { [Symbol("s")]: 1 },
  "text",
  "thinking",
  "tool-input",
  "tool-use",
  "tool-result",
  "image",
  "base64",
  "url",
  "user",
  "assistant",
  "end-turn",
  "allow",
  "image/png",
  { type: "text", text: "t" },
  { type: "url", url: "u" },
];

/** The value, then each variant with one field (at any depth) removed or replaced. */
function* variants(value: unknown, depth = 0): Generator<unknown> {
  yield value;
  if (depth > 5 || typeof value !== "object" || value === null) return;
  if (Array.isArray(value)) {
    for (const probe of PROBES) yield [...value, probe];
    for (let i = 0; i < value.length; i++) {
      for (const probe of PROBES) yield value.map((v, j) => (j === i ? probe : v));
      for (const inner of variants(value[i], depth + 1)) yield value.map((v, j) => (j === i ? inner : v));
    }
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const { [key]: _, ...without } = record;
    yield without;
    for (const probe of PROBES) yield { ...record, [key]: probe };
    for (const inner of variants(record[key], depth + 1)) yield { ...record, [key]: inner };
  }
}

describe("compileSchemaCheck", () => {
  it("agrees with zod on every event type and on broken variants of each", () => {
    const samples = [
      ...fixtureEvents,
      ...stamp("s1", toolTurn("What is the weather?")),
      ...stamp("s1", textTurn("hi")),
    ];
    const disagreements: unknown[] = [];
    const verdicts = { valid: 0, invalid: 0 };
    for (const sample of samples) {
      const schema = storedEventSchemas[sample.type as keyof typeof storedEventSchemas];
      const check = compileSchemaCheck(schema);
      for (const variant of variants(sample)) {
        const expected = schema.safeParse(variant).success;
        verdicts[expected ? "valid" : "invalid"]++;
        if (check(variant) !== expected) disagreements.push({ type: sample.type, variant, expected });
      }
    }
    expect(disagreements.slice(0, 3)).toEqual([]);
    // Both verdicts are well exercised.
    expect(verdicts.valid).toBeGreaterThan(1000);
    expect(verdicts.invalid).toBeGreaterThan(10_000);
  });

  it("checks message deltas by hand exactly as zod does, on broken variants too", () => {
    const schema = storedEventSchemas["message-delta"];
    const deltas = fixtureEvents.filter((e) => e.type === "message-delta");
    expect(deltas.length).toBeGreaterThan(1);
    const disagreements: unknown[] = [];
    let checked = 0;
    for (const sample of deltas) {
      for (const variant of variants(sample)) {
        // The caller has already checked that it is an object of type message-delta.
        if (typeof variant !== "object" || variant === null || Array.isArray(variant)) continue;
        if ((variant as { type?: unknown }).type !== "message-delta") continue;
        checked++;
        const expected = schema.safeParse(variant).success;
        if (isValidMessageDelta(variant as Record<string, unknown>) !== expected) {
          disagreements.push({ variant, expected });
        }
      }
    }
    expect(disagreements.slice(0, 3)).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  it("counts code points for a minimum length, as zod does", () => {
    const schema = z.string().min(2);
    const check = compileSchemaCheck(schema);
    for (const s of ["", "a", "ab", "🙂", "🙂🙂", "a🙂", "\uD83D"]) {
      expect({ s, ok: check(s) }).toEqual({ s, ok: schema.safeParse(s).success });
    }
  });

  it("refuses schemas it cannot mirror instead of checking less", () => {
    expect(() => compileSchemaCheck(z.strictObject({ a: z.string() }))).toThrow(/strict object/);
    expect(() => compileSchemaCheck(z.string().email())).toThrow(/string check/);
    expect(() => compileSchemaCheck(z.number().max(3))).toThrow(/number check/);
    expect(() => compileSchemaCheck(z.date())).toThrow(/z\.date\(\)/);
    expect(() => compileSchemaCheck(z.record(z.enum(["a"]), z.string()))).toThrow(/record key/);
    expect(() => compileSchemaCheck(z.record(z.string(), z.string()))).toThrow(/record value/);
    expect(() => compileSchemaCheck(z.union([z.string(), z.number()]))).toThrow(/discriminator/);
    expect(() => compileSchemaCheck(z.string().nullable())).toThrow(/nullable/);
  });
});
