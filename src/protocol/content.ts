/**
 * Messages and content blocks: the provider-neutral conversation format every runtime
 * converts to and from. Field names are Arky's own (camelCase, kebab-case `type`s),
 * never a vendor's wire shape.
 */

/** Plain text. */
export interface TextBlock {
  type: "text";
  text: string;
}

/** Where an image comes from: inline base64 data or a URL the model fetches. */
export type ImageSource =
  | { type: "base64"; mediaType: ImageMediaType; data: string }
  | { type: "url"; url: string };

/** Image media types every supported model API accepts. */
export type ImageMediaType = "image/png" | "image/jpeg" | "image/gif" | "image/webp";

/** An image, by base64 data or by URL. */
export interface ImageBlock {
  type: "image";
  source: ImageSource;
}

/**
 * The model's visible reasoning. `signature` is opaque provider data that must be
 * sent back unchanged when the conversation continues.
 */
export interface ThinkingBlock {
  type: "thinking";
  thinking: string;
  signature?: string;
}

/** Reasoning the provider returned encrypted; kept only to be sent back. */
export interface RedactedThinkingBlock {
  type: "redacted-thinking";
  data: string;
}

/** A tool call requested by the model. `input` is the parsed JSON the model produced. */
export interface ToolUseBlock {
  type: "tool-use";
  id: string;
  name: string;
  input: unknown;
}

/** The result of a tool call, sent back to the model in a user message. */
export interface ToolResultBlock {
  type: "tool-result";
  toolUseId: string;
  content: Array<TextBlock | ImageBlock>;
  isError?: boolean;
}

/** Blocks a user message may carry. */
export type UserContent = TextBlock | ImageBlock | ToolResultBlock;
/** Blocks an assistant message may carry. */
export type AssistantContent = TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock;
/** Any content block. */
export type ContentBlock = UserContent | AssistantContent;

/** A message from the user (prompts and tool results). */
export interface UserMessage {
  role: "user";
  content: UserContent[];
}

/** A message from the model. */
export interface AssistantMessage {
  role: "assistant";
  content: AssistantContent[];
}

/** One message of a conversation. */
export type Message = UserMessage | AssistantMessage;

/**
 * What a caller may pass as a prompt: a string, a list of user content blocks, or a
 * whole user message.
 */
export type PromptInput = string | UserContent[] | UserMessage;

/** Normalises a {@link PromptInput} into a user message. */
export function toUserMessage(input: PromptInput): UserMessage {
  if (typeof input === "string") return { role: "user", content: [{ type: "text", text: input }] };
  if (Array.isArray(input)) return { role: "user", content: input };
  return input;
}

/** Concatenates the text blocks of a message (thinking and tool calls are left out). */
export function textOf(message: { content: ContentBlock[] }): string {
  let out = "";
  for (const block of message.content) if (block.type === "text") out += block.text;
  return out;
}
