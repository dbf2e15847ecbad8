import { splitText } from "../split.js";
import { sseFrame } from "../sse.js";
import type { ResolvedReply } from "./encode-reply.js";

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
  for (const text of pieces) {
    yield sseFrame("content_block_delta", {
      type: "content_block_delta",
      index,
      delta: { type: "text_delta", text },
    });
  }
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
      for (const thinking of splitText(block.thinking, block.chunks)) {
        yield sseFrame("content_block_delta", {
          type: "content_block_delta",
          index,
          delta: { type: "thinking_delta", thinking },
        });
      }
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
      for (const partial_json of splitText(block.json, block.chunks)) {
        yield sseFrame("content_block_delta", {
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json },
        });
      }
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
