import { splitText } from "../split.js";
import { sseFrame } from "../sse.js";
import type { ResolvedReply } from "./encode-reply.js";

/**
 * A `content_block_delta` frame built from a template: deltas are the bulk of every
 * stream (benchmarks send 10,000), and only their one string field needs encoding.
 * Same bytes as `sseFrame("content_block_delta", {...})`.
 */
function deltaFrame(index: number, deltaType: string, field: string, value: string): string {
  return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":{"type":"${deltaType}","${field}":${JSON.stringify(value)}}}\n\n`;
}

/** The `message_start` frame; output tokens start at 1 as the API reports them. */
export function messageStartFrame(reply: Pick<ResolvedReply, "id" | "model" | "usage">): string {
  return sseFrame("message_start", {
    type: "message_start",
    message: {
      id: reply.id,
      type: "message",
      role: "assistant",
      model: reply.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...reply.usage, output_tokens: 1 },
    },
  });
}

/** The frames of one text block at `index`: start, the deltas, and (unless `open`) stop. */
export function* textBlockFrames(index: number, pieces: string[], open = false): Generator<string> {
  yield sseFrame("content_block_start", {
    type: "content_block_start",
    index,
    content_block: { type: "text", text: "" },
  });
  for (const text of pieces) yield deltaFrame(index, "text_delta", "text", text);
  if (!open) yield sseFrame("content_block_stop", { type: "content_block_stop", index });
}

/**
 * The full SSE event sequence of a reply, as the Messages API streams it:
 * `message_start`, per block `content_block_start` / `_delta`… / `_stop`,
 * `message_delta` (stop reason, output usage), `message_stop`.
 */
export function* replyFrames(reply: ResolvedReply): Generator<string> {
  yield messageStartFrame(reply);
  for (let index = 0; index < reply.blocks.length; index++) {
    const block = reply.blocks[index]!;
    if (block.type === "text") {
      yield* textBlockFrames(index, splitText(block.text, block.chunks));
      continue;
    }
    if (block.type === "thinking") {
      yield sseFrame("content_block_start", {
        type: "content_block_start",
        index,
        content_block: { type: "thinking", thinking: "", signature: "" },
      });
      for (const thinking of splitText(block.thinking, block.chunks))
        yield deltaFrame(index, "thinking_delta", "thinking", thinking);
      yield sseFrame("content_block_delta", {
        type: "content_block_delta",
        index,
        delta: { type: "signature_delta", signature: block.signature },
      });
    } else {
      yield sseFrame("content_block_start", {
        type: "content_block_start",
        index,
        content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
      });
      for (const partialJson of splitText(block.json, block.chunks))
        yield deltaFrame(index, "input_json_delta", "partial_json", partialJson);
    }
    yield sseFrame("content_block_stop", { type: "content_block_stop", index });
  }
  yield sseFrame("message_delta", {
    type: "message_delta",
    delta: { stop_reason: reply.stopReason, stop_sequence: null },
    usage: { output_tokens: reply.usage.output_tokens },
  });
  yield sseFrame("message_stop", { type: "message_stop" });
}
