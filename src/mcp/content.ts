import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ImageMediaType } from "../protocol/index.js";
import type { ToolResult, ToolResultContent } from "../tools/index.js";

const IMAGE_TYPES = new Set<string>(["image/png", "image/jpeg", "image/gif", "image/webp"]);

type McpContent = CallToolResult["content"][number];

/**
 * Converts an MCP tool result into an Arky tool result. Text and the image types models
 * accept map one to one; audio, other images, embedded resources and resource links
 * become a text line saying what they were. Structured content is shown as JSON when
 * the result has no content blocks.
 */
export function fromMcpToolResult(result: CallToolResult): ToolResult {
  const content: ToolResultContent = result.content.map(fromMcpContent);
  if (content.length === 0 && result.structuredContent !== undefined)
    content.push({ type: "text", text: JSON.stringify(result.structuredContent) });
  return result.isError ? { content, isError: true } : { content };
}

function fromMcpContent(block: McpContent): ToolResultContent[number] {
  switch (block.type) {
    case "text":
      return { type: "text", text: block.text };
    case "image":
      return IMAGE_TYPES.has(block.mimeType)
        ? {
            type: "image",
            source: { type: "base64", mediaType: block.mimeType as ImageMediaType, data: block.data },
          }
        : {
            type: "text",
            text: `[image of type ${block.mimeType} omitted: models accept PNG, JPEG, GIF and WebP]`,
          };
    case "audio":
      return { type: "text", text: `[audio of type ${block.mimeType} omitted]` };
    case "resource": {
      const resource = block.resource;
      return "text" in resource && typeof resource.text === "string"
        ? { type: "text", text: `[resource ${resource.uri}]\n${resource.text}` }
        : {
            type: "text",
            text: `[binary resource ${resource.uri}${resource.mimeType ? ` (${resource.mimeType})` : ""}]`,
          };
    }
    case "resource_link":
      return { type: "text", text: `[resource link: ${block.name} ${block.uri}]` };
    default:
      return { type: "text", text: `[unsupported content type ${(block as { type: string }).type}]` };
  }
}

/**
 * Cuts the text of a result to `maxChars` characters in all, saying so; images are kept.
 */
export function capText(result: ToolResult, maxChars: number): ToolResult {
  let left = maxChars;
  let total = 0;
  for (const block of result.content) if (block.type === "text") total += block.text.length;
  if (total <= maxChars) return result;
  const content = result.content.map((block) => {
    if (block.type !== "text") return block;
    const kept = block.text.slice(0, Math.max(0, left));
    left -= kept.length;
    return { type: "text" as const, text: kept };
  });
  content.push({
    type: "text",
    text: `\n[output capped: showing the first ${maxChars} of ${total} characters]`,
  });
  return { ...result, content: content.filter((b) => b.type !== "text" || b.text.length > 0) };
}

/** Converts Arky tool result content into MCP content (URL images become a text link). */
export function toMcpContent(content: ToolResultContent): CallToolResult["content"] {
  return content.map((block) =>
    block.type === "text"
      ? { type: "text" as const, text: block.text }
      : block.source.type === "base64"
        ? { type: "image" as const, data: block.source.data, mimeType: block.source.mediaType }
        : { type: "text" as const, text: `[image: ${block.source.url}]` },
  );
}
