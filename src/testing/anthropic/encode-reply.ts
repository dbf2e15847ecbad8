import { randomUUID } from "node:crypto";
import type { ScriptedBlock, ScriptedReply } from "../script.js";
import { defaultTextChunks, estimateTokens } from "../split.js";

/** What a reply needs from the request besides the step. */
export interface ReplyContext {
  /** The request's `model`, echoed unless the step names one. */
  requestModel: string | undefined;
  /** Raw request body length, for the default input token count. */
  bodyLength: number;
}

/** A block with ids filled in, ready to encode either way. */
type ResolvedBlock =
  | { type: "text"; text: string; chunks: number }
  | { type: "thinking"; thinking: string; signature: string; chunks: number }
  | { type: "tool_use"; id: string; name: string; json: string; input: unknown; chunks: number };

/** A reply resolved once, so the streamed and the JSON form agree. */
export interface ResolvedReply {
  id: string;
  model: string;
  blocks: ResolvedBlock[];
  stopReason: string;
  usage: {
    input_tokens: number;
    output_tokens: number;
    cache_creation_input_tokens: number;
    cache_read_input_tokens: number;
  };
}

export function newMessageId(): string {
  return `msg_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

function resolveBlock(block: ScriptedBlock): ResolvedBlock {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text, chunks: block.chunks ?? defaultTextChunks(block.text) };
    case "thinking":
      return {
        type: "thinking",
        thinking: block.thinking,
        signature: block.signature ?? Buffer.from(`scripted:${block.thinking.length}`).toString("base64"),
        chunks: block.chunks ?? defaultTextChunks(block.thinking),
      };
    case "tool-use":
      return {
        type: "tool_use",
        id: block.id ?? `toolu_${randomUUID().replaceAll("-", "").slice(0, 24)}`,
        name: block.name,
        json: block.inputJson ?? JSON.stringify(block.input ?? {}),
        input: block.input ?? {},
        chunks: block.chunks ?? 2,
      };
  }
}

/** Fills in ids, the model, the stop reason and usage of a scripted reply. */
export function resolveReply(step: ScriptedReply, context: ReplyContext): ResolvedReply {
  const blocks = step.content.map(resolveBlock);
  let outputChars = 0;
  for (const b of blocks) {
    outputChars +=
      b.type === "text" ? b.text.length : b.type === "thinking" ? b.thinking.length : b.json.length;
  }
  const hasToolUse = blocks.some((b) => b.type === "tool_use");
  return {
    id: newMessageId(),
    model: step.model ?? context.requestModel ?? "claude-scripted",
    blocks,
    stopReason: step.stopReason ?? (hasToolUse ? "tool_use" : "end_turn"),
    usage: {
      input_tokens: step.usage?.inputTokens ?? estimateTokens(context.bodyLength),
      output_tokens: step.usage?.outputTokens ?? estimateTokens(outputChars),
      cache_creation_input_tokens: step.usage?.cacheCreationInputTokens ?? 0,
      cache_read_input_tokens: step.usage?.cacheReadInputTokens ?? 0,
    },
  };
}

/** The non-streaming answer: a complete `message` object. */
export function replyMessage(reply: ResolvedReply) {
  return {
    id: reply.id,
    type: "message",
    role: "assistant",
    model: reply.model,
    content: reply.blocks.map((b) =>
      b.type === "text"
        ? { type: "text", text: b.text }
        : b.type === "thinking"
          ? { type: "thinking", thinking: b.thinking, signature: b.signature }
          : { type: "tool_use", id: b.id, name: b.name, input: b.input },
    ),
    stop_reason: reply.stopReason,
    stop_sequence: null,
    usage: reply.usage,
  };
}
