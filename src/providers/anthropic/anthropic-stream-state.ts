import {
  type AssistantContent,
  fromAnthropicStopReason,
  type StopReason,
  type Usage,
} from "../../protocol/index.js";
import type { ModelStreamEvent } from "../../provider/index.js";
import { malformedResponse } from "./anthropic-error.js";
import type { AnthropicToolNames } from "./anthropic-prepare-tools.js";
import {
  type AnthropicUsageWire,
  parseBlock,
  parseContentBlockStart,
  parseMessageDelta,
  parseMessageStart,
} from "./anthropic-stream-schema.js";

type OpenBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string | undefined }
  | { type: "redacted-thinking"; data: string }
  | { type: "tool-use"; id: string; name: string; json: string; input: unknown };

type Emitted = ModelStreamEvent | ModelStreamEvent[] | undefined;

/**
 * Turns the Messages API's raw stream events into {@link ModelStreamEvent}s and
 * assembles the final message. Throws a `malformed-response` ArkyError on events that
 * break the protocol (the caller turns it into the stream's `error` event).
 */
export class AnthropicStreamState {
  readonly #names: AnthropicToolNames;
  readonly #blocks: Array<OpenBlock | undefined> = [];
  messageId = "";
  model = "";
  stopReason: StopReason = fromAnthropicStopReason(undefined);
  usage: Usage = { inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 };
  /** Whether a `*-delta` was emitted. */
  contentStreamed = false;
  /** Whether `message_stop` arrived. */
  stopped = false;

  constructor(names: AnthropicToolNames) {
    this.#names = names;
  }

  /** Consumes one raw event; returns what to emit. */
  accept(event: unknown): Emitted {
    if (typeof event !== "object" || event === null) return undefined;
    const raw = event as Record<string, unknown>;
    const type = raw.type;
    if (type === "content_block_delta") return this.#delta(raw);
    switch (type) {
      case "message_start": {
        const message = parseMessageStart(raw);
        this.messageId = message.id;
        this.model = message.model;
        this.#addUsage(message.usage);
        return { type: "message-start", messageId: message.id, model: message.model };
      }
      case "content_block_start":
        return this.#start(parseContentBlockStart(raw));
      case "content_block_stop":
        return this.#stop(raw.index);
      case "message_delta": {
        const { stopReason, usage } = parseMessageDelta(raw);
        if (stopReason !== undefined) this.stopReason = fromAnthropicStopReason(stopReason);
        this.#addUsage(usage);
        return undefined;
      }
      case "message_stop":
        this.stopped = true;
        return undefined;
      default:
        // `ping` and event types newer than this code are skipped, as the API asks.
        return undefined;
    }
  }

  /** The assembled message content, in block order. */
  content(): AssistantContent[] {
    const out: AssistantContent[] = [];
    for (const block of this.#blocks) {
      if (!block) continue;
      if (block.type === "text") out.push({ type: "text", text: block.text });
      else if (block.type === "thinking")
        out.push({
          type: "thinking",
          thinking: block.thinking,
          ...(block.signature ? { signature: block.signature } : {}),
        });
      else if (block.type === "redacted-thinking") out.push({ type: "redacted-thinking", data: block.data });
      else out.push({ type: "tool-use", id: block.id, name: block.name, input: block.input });
    }
    return out;
  }

  #addUsage(usage: AnthropicUsageWire | undefined): void {
    if (!usage) return;
    // message_delta usage is cumulative: a present value replaces the message_start one.
    if (typeof usage.input_tokens === "number") this.usage.inputTokens = usage.input_tokens;
    if (typeof usage.output_tokens === "number") this.usage.outputTokens = usage.output_tokens;
    if (typeof usage.cache_read_input_tokens === "number")
      this.usage.cacheReadInputTokens = usage.cache_read_input_tokens;
    if (typeof usage.cache_creation_input_tokens === "number")
      this.usage.cacheCreationInputTokens = usage.cache_creation_input_tokens;
  }

  #start({ index, block: raw }: ReturnType<typeof parseContentBlockStart>): Emitted {
    switch (raw.type) {
      case "text": {
        const block = parseBlock.text(raw);
        this.#blocks[index] = { type: "text", text: block.text ?? "" };
        if (!block.text) return { type: "text-start", index };
        this.contentStreamed = true;
        return [
          { type: "text-start", index },
          { type: "text-delta", index, text: block.text },
        ];
      }
      case "thinking": {
        const block = parseBlock.thinking(raw);
        this.#blocks[index] = {
          type: "thinking",
          thinking: block.thinking ?? "",
          signature: block.signature || undefined,
        };
        if (!block.thinking) return { type: "thinking-start", index };
        this.contentStreamed = true;
        return [
          { type: "thinking-start", index },
          { type: "thinking-delta", index, text: block.thinking },
        ];
      }
      case "redacted_thinking": {
        const block = parseBlock.redacted_thinking(raw);
        this.#blocks[index] = { type: "redacted-thinking", data: block.data };
        return undefined;
      }
      case "tool_use": {
        const block = parseBlock.tool_use(raw);
        const name = this.#names.toArky(block.name);
        this.#blocks[index] = { type: "tool-use", id: block.id, name, json: "", input: {} };
        return { type: "tool-input-start", index, toolCallId: block.id, toolName: name };
      }
      default:
        // Block kinds Arky does not model (server tools, …): remembered as skipped.
        this.#blocks[index] = undefined;
        return undefined;
    }
  }

  #delta(event: { index?: unknown; delta?: unknown }): Emitted {
    const index = event.index as number;
    const block = this.#blocks[index];
    const delta = event.delta as {
      type?: unknown;
      text?: unknown;
      thinking?: unknown;
      partial_json?: unknown;
      signature?: unknown;
    } | null;
    if (!block) {
      // A delta of a block kind Arky skips (server tools, …) is skipped with it.
      if (typeof index === "number" && index in this.#blocks) return undefined;
      throw malformedResponse(`content_block_delta for unknown block ${String(event.index)}`);
    }
    if (typeof delta !== "object" || delta === null)
      throw malformedResponse("content_block_delta without a delta");
    switch (delta.type) {
      case "text_delta":
        if (block.type !== "text" || typeof delta.text !== "string") break;
        block.text += delta.text;
        this.contentStreamed = true;
        return { type: "text-delta", index, text: delta.text };
      case "thinking_delta":
        if (block.type !== "thinking" || typeof delta.thinking !== "string") break;
        block.thinking += delta.thinking;
        this.contentStreamed = true;
        return { type: "thinking-delta", index, text: delta.thinking };
      case "signature_delta":
        if (block.type !== "thinking" || typeof delta.signature !== "string") break;
        block.signature = (block.signature ?? "") + delta.signature;
        return undefined;
      case "input_json_delta":
        if (block.type !== "tool-use" || typeof delta.partial_json !== "string") break;
        block.json += delta.partial_json;
        this.contentStreamed = true;
        return { type: "tool-input-delta", index, toolCallId: block.id, partialJson: delta.partial_json };
      default:
        // citations_delta and delta kinds newer than this code carry nothing Arky models.
        return undefined;
    }
    throw malformedResponse(`a ${String(delta.type)} delta does not fit the ${block.type} block at ${index}`);
  }

  #stop(index: unknown): Emitted {
    const block = typeof index === "number" ? this.#blocks[index] : undefined;
    if (!block || typeof index !== "number") return undefined;
    switch (block.type) {
      case "text":
        return { type: "text-end", index };
      case "thinking":
        return { type: "thinking-end", index };
      case "redacted-thinking":
        return undefined;
      case "tool-use":
        block.input = parseToolInput(block.json, block.name);
        return { type: "tool-input-end", index, toolCallId: block.id };
    }
  }
}

function parseToolInput(json: string, name: string): unknown {
  if (json.trim() === "") return {};
  try {
    return JSON.parse(json);
  } catch (error) {
    throw malformedResponse(`the input of tool call ${name} is not valid JSON`, error);
  }
}
