import type Anthropic from "@anthropic-ai/sdk";
import { ArkyError, type ImageBlock, type Message, type TextBlock } from "../../protocol/index.js";
import type { AnthropicToolNames } from "./anthropic-prepare-tools.js";

type ContentParam = Anthropic.ContentBlockParam;

function convertImage(block: ImageBlock): Anthropic.ImageBlockParam {
  const source = block.source;
  return source.type === "base64"
    ? { type: "image", source: { type: "base64", media_type: source.mediaType, data: source.data } }
    : { type: "image", source: { type: "url", url: source.url } };
}

function convertResultContent(content: Array<TextBlock | ImageBlock>) {
  return content
    .filter((b) => b.type !== "text" || b.text !== "")
    .map((b): Anthropic.TextBlockParam | Anthropic.ImageBlockParam =>
      b.type === "text" ? { type: "text", text: b.text } : convertImage(b),
    );
}

function convertBlocks(message: Message, names: AnthropicToolNames): ContentParam[] {
  const out: ContentParam[] = [];
  for (const block of message.content) {
    switch (block.type) {
      case "text":
        // The API rejects empty text blocks.
        if (block.text !== "") out.push({ type: "text", text: block.text });
        break;
      case "image":
        out.push(convertImage(block));
        break;
      case "tool-result":
        out.push({
          type: "tool_result",
          tool_use_id: block.toolUseId,
          content: convertResultContent(block.content),
          ...(block.isError ? { is_error: true } : {}),
        });
        break;
      case "thinking":
        // Unsigned thinking (e.g. from another provider) cannot be verified by the API and is dropped.
        if (block.signature)
          out.push({ type: "thinking", thinking: block.thinking, signature: block.signature });
        break;
      case "redacted-thinking":
        out.push({ type: "redacted_thinking", data: block.data });
        break;
      case "tool-use":
        out.push({
          type: "tool_use",
          id: block.id,
          name: names.toWire(block.name),
          input: block.input ?? {},
        });
        break;
      default:
        throw new ArkyError({
          code: "invalid-request",
          message: `Unsupported content block type ${JSON.stringify((block as { type?: unknown }).type)} in a ${message.role} message.`,
          correction:
            "Use Arky content blocks: text, image, tool-result, thinking, redacted-thinking, tool-use.",
        });
    }
  }
  return out;
}

/**
 * Converts Arky messages into Messages API messages: consecutive messages of one role
 * are merged (the API wants alternation), tool results go first in a user message (the
 * API requires it), and messages left empty are dropped.
 */
export function convertToAnthropicMessages(
  messages: readonly Message[],
  names: AnthropicToolNames,
): Anthropic.MessageParam[] {
  const out: Anthropic.MessageParam[] = [];
  for (const message of messages) {
    const blocks = convertBlocks(message, names);
    if (blocks.length === 0) continue;
    const last = out.at(-1);
    if (last && last.role === message.role) (last.content as ContentParam[]).push(...blocks);
    else out.push({ role: message.role, content: blocks });
  }
  for (const message of out) {
    if (message.role !== "user") continue;
    const content = message.content as ContentParam[];
    const results = content.filter((b) => b.type === "tool_result");
    if (results.length > 0 && results.length < content.length)
      message.content = [...results, ...content.filter((b) => b.type !== "tool_result")];
  }
  return out;
}
