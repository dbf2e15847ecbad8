import { randomUUID } from "node:crypto";
import type { ScriptedBlock, ScriptedReply } from "../script.js";
import { defaultTextChunks, estimateTokens, splitText } from "../split.js";

/** One SSE event of the OpenAI Responses API stream: its `type` and JSON payload. */
export interface ResponsesStreamEvent {
  type: string;
  [key: string]: unknown;
}

function shortId(): string {
  return randomUUID().replaceAll("-", "").slice(0, 16);
}

/** The usage object of a `response.completed` event (defaults: 100 input, ~chars/4 output). */
export function responsesUsage(reply: ScriptedReply): Record<string, unknown> {
  const outputChars = reply.content.reduce((sum, block) => sum + blockText(block).length, 0);
  const cached = reply.usage?.cacheReadInputTokens ?? 0;
  const input = (reply.usage?.inputTokens ?? 100) + cached;
  const output = reply.usage?.outputTokens ?? estimateTokens(outputChars);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  };
}

function blockText(block: ScriptedBlock): string {
  if (block.type === "text") return block.text;
  if (block.type === "thinking") return block.thinking;
  return JSON.stringify(block.input ?? {});
}

/**
 * The events of one scripted reply as the Responses API streams it: `response.created`,
 * per block `output_item.added` → deltas → `output_item.done`, then `response.completed`
 * with usage. Text blocks become `message` items, thinking blocks `reasoning` items with a
 * summary, tool-use blocks `function_call` items (the block id is the `call_id`).
 */
export function encodeResponsesReply(reply: ScriptedReply, model: string): ResponsesStreamEvent[] {
  const responseId = `resp_${shortId()}`;
  const events: ResponsesStreamEvent[] = [
    {
      type: "response.created",
      response: { id: responseId, object: "response", status: "in_progress", model, output: [] },
    },
  ];
  const output = reply.content.map((block, index) => encodeBlock(block, index, events));
  events.push({
    type: "response.completed",
    response: {
      id: responseId,
      object: "response",
      status: "completed",
      model: reply.model ?? model,
      output,
      usage: responsesUsage(reply),
    },
  });
  return events.map((event, sequence) => ({ ...event, sequence_number: sequence }));
}

function encodeBlock(block: ScriptedBlock, outputIndex: number, events: ResponsesStreamEvent[]): unknown {
  const base = { output_index: outputIndex };
  if (block.type === "text") {
    const id = `msg_${shortId()}`;
    events.push({
      ...base,
      type: "response.output_item.added",
      item: { id, type: "message", role: "assistant", status: "in_progress", content: [] },
    });
    for (const delta of splitText(block.text, block.chunks ?? defaultTextChunks(block.text)))
      events.push({ ...base, type: "response.output_text.delta", item_id: id, content_index: 0, delta });
    const done = {
      id,
      type: "message",
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: block.text, annotations: [] }],
    };
    events.push({ ...base, type: "response.output_item.done", item: done });
    return done;
  }
  if (block.type === "thinking") {
    const id = `rs_${shortId()}`;
    events.push({
      ...base,
      type: "response.output_item.added",
      item: { id, type: "reasoning", summary: [] },
    });
    events.push({
      ...base,
      type: "response.reasoning_summary_part.added",
      item_id: id,
      summary_index: 0,
      part: { type: "summary_text", text: "" },
    });
    for (const delta of splitText(block.thinking, block.chunks ?? defaultTextChunks(block.thinking)))
      events.push({
        ...base,
        type: "response.reasoning_summary_text.delta",
        item_id: id,
        summary_index: 0,
        delta,
      });
    const done = {
      id,
      type: "reasoning",
      summary: [{ type: "summary_text", text: block.thinking }],
      encrypted_content: block.signature ?? null,
    };
    events.push({ ...base, type: "response.output_item.done", item: done });
    return done;
  }
  // A string input is a freeform ("custom") tool call, such as Codex's `apply_patch`: a
  // `custom_tool_call` item whose `input` is the raw text.
  const custom = typeof block.input === "string";
  const text = custom ? (block.input as string) : JSON.stringify(block.input ?? {});
  const { namespace, name } = custom ? { namespace: {}, name: block.name } : splitNamespace(block.name);
  const id = `${custom ? "ctc" : "fc"}_${shortId()}`;
  const type = custom ? "custom_tool_call" : "function_call";
  const field = custom ? "input" : "arguments";
  const call_id = block.id ?? `call_${shortId()}`;
  events.push({
    ...base,
    type: "response.output_item.added",
    item: { id, type, status: "in_progress", call_id, name, ...namespace, [field]: "" },
  });
  const deltaType = custom
    ? "response.custom_tool_call_input.delta"
    : "response.function_call_arguments.delta";
  for (const delta of splitText(text, block.chunks ?? 2))
    events.push({ ...base, type: deltaType, item_id: id, delta });
  const done = { id, type, status: "completed", call_id, name, ...namespace, [field]: text };
  events.push({ ...base, type: "response.output_item.done", item: done });
  return done;
}

/**
 * Codex groups MCP tools in namespaces (`mcp__<server>`) and expects calls to name the
 * namespace separately, so a scripted `mcp__arky__add` becomes namespace `mcp__arky`,
 * name `add` (and `mcp__arky__files__read` name `files__read`: the server name ends the namespace).
 */
function splitNamespace(fullName: string): { namespace: { namespace?: string }; name: string } {
  const cut = fullName.startsWith("mcp__") ? fullName.indexOf("__", 5) : fullName.lastIndexOf("__");
  if (cut <= 0) return { namespace: {}, name: fullName };
  return { namespace: { namespace: fullName.slice(0, cut) }, name: fullName.slice(cut + 2) };
}
