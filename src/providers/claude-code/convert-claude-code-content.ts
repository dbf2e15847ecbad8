import type {
  AssistantContent,
  ImageBlock,
  TextBlock,
  ToolResultBlock,
  UserMessage,
} from "../../protocol/index.js";

type Wire = Record<string, unknown>;

/** Arky user content → the Anthropic content blocks the CLI accepts on stdin. */
export function toCliUserContent(message: UserMessage): Wire[] {
  const out: Wire[] = [];
  for (const block of message.content) {
    if (block.type === "text") out.push({ type: "text", text: block.text });
    else if (block.type === "image") out.push(toWireImage(block));
    else
      out.push({
        type: "tool_result",
        tool_use_id: block.toolUseId,
        content: block.content.map((c) =>
          c.type === "text" ? { type: "text", text: c.text } : toWireImage(c),
        ),
        ...(block.isError ? { is_error: true } : {}),
      });
  }
  return out;
}

function toWireImage(block: ImageBlock): Wire {
  const source = block.source;
  return source.type === "base64"
    ? { type: "image", source: { type: "base64", media_type: source.mediaType, data: source.data } }
    : { type: "image", source: { type: "url", url: source.url } };
}

/** One content block of an `assistant` line → Arky content, or undefined for unknown kinds. */
export function fromCliAssistantBlock(block: Wire): AssistantContent | undefined {
  switch (block.type) {
    case "text":
      return { type: "text", text: String(block.text ?? "") };
    case "thinking":
      return {
        type: "thinking",
        thinking: String(block.thinking ?? ""),
        ...(typeof block.signature === "string" && block.signature ? { signature: block.signature } : {}),
      };
    case "redacted_thinking":
      return { type: "redacted-thinking", data: String(block.data ?? "") };
    case "tool_use":
    case "server_tool_use":
      return {
        type: "tool-use",
        id: String(block.id ?? ""),
        name: String(block.name ?? ""),
        input: block.input ?? {},
      };
    default:
      return undefined;
  }
}

/** A `tool_result` block of a `user` line → an Arky tool result. */
export function fromCliToolResult(block: Wire): ToolResultBlock {
  const raw = block.content;
  const content: Array<TextBlock | ImageBlock> = [];
  if (typeof raw === "string") content.push({ type: "text", text: raw });
  else if (Array.isArray(raw)) {
    for (const item of raw as Wire[]) {
      if (item.type === "text") content.push({ type: "text", text: String(item.text ?? "") });
      else if (item.type === "image") {
        const source = item.source as Wire | undefined;
        if (source?.type === "base64")
          content.push({
            type: "image",
            source: {
              type: "base64",
              mediaType: source.media_type as "image/png",
              data: String(source.data ?? ""),
            },
          });
      }
    }
  }
  const result: ToolResultBlock = {
    type: "tool-result",
    toolUseId: String(block.tool_use_id ?? ""),
    content,
  };
  if (block.is_error === true) result.isError = true;
  return result;
}
