import { malformedResponse } from "./anthropic-error.js";

// The Messages API's stream events, checked by hand: a model call has a handful of these
// and a loop makes many calls, so a schema library's per-parse cost showed in profiles.
// Unknown fields are allowed (the API adds them); missing or mistyped known ones are not.

/** Usage as the wire carries it; each count may be absent or null. */
export interface AnthropicUsageWire {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj => typeof value === "object" && value !== null;

function fail(what: string, problem: string): never {
  throw malformedResponse(`invalid ${what} event (${problem})`);
}

function object(value: unknown, what: string, field: string): Obj {
  if (!isObject(value)) fail(what, `${field} is not an object`);
  return value;
}

function string(value: unknown, what: string, field: string): string {
  if (typeof value !== "string") fail(what, `${field} is not a string`);
  return value;
}

function optionalString(value: unknown, what: string, field: string, nullable = false): string | undefined {
  if (value === undefined || (nullable && value === null)) return undefined;
  return string(value, what, field);
}

function usage(value: unknown, what: string): AnthropicUsageWire | undefined {
  if (value === undefined) return undefined;
  const u = object(value, what, "usage");
  for (const key of [
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
  ] as const) {
    const n = u[key];
    if (n !== undefined && n !== null && typeof n !== "number") fail(what, `usage.${key} is not a number`);
  }
  return u as AnthropicUsageWire;
}

/** `message_start`: the message id, model and initial usage. */
export function parseMessageStart(event: Obj): { id: string; model: string; usage?: AnthropicUsageWire } {
  const what = "message_start";
  const message = object(event.message, what, "message");
  return {
    id: string(message.id, what, "message.id"),
    model: string(message.model, what, "message.model"),
    usage: usage(message.usage, what),
  };
}

/** `content_block_start`: the index and the raw block (checked by {@link parseBlock}). */
export function parseContentBlockStart(event: Obj): { index: number; block: Obj & { type: string } } {
  const what = "content_block_start";
  const index = event.index;
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0)
    fail(what, "index is not a non-negative integer");
  const block = object(event.content_block, what, "content_block");
  string(block.type, what, "content_block.type");
  return { index, block: block as Obj & { type: string } };
}

/** The block kinds Arky models; each returns its checked fields. */
export const parseBlock = {
  text: (b: Obj) => ({ text: optionalString(b.text, "text block", "text") }),
  thinking: (b: Obj) => ({
    thinking: optionalString(b.thinking, "thinking block", "thinking"),
    signature: optionalString(b.signature, "thinking block", "signature"),
  }),
  redacted_thinking: (b: Obj) => ({ data: string(b.data, "redacted_thinking block", "data") }),
  tool_use: (b: Obj) => ({
    id: string(b.id, "tool_use block", "id"),
    name: string(b.name, "tool_use block", "name"),
  }),
};

/** `message_delta`: the stop reason and cumulative usage. */
export function parseMessageDelta(event: Obj): {
  stopReason: string | null | undefined;
  usage?: AnthropicUsageWire;
} {
  const what = "message_delta";
  const delta = object(event.delta, what, "delta");
  optionalString(delta.stop_sequence, what, "delta.stop_sequence", true);
  const stop = delta.stop_reason;
  if (stop !== undefined && stop !== null && typeof stop !== "string")
    fail(what, "delta.stop_reason is not a string");
  return { stopReason: stop as string | null | undefined, usage: usage(event.usage, what) };
}
