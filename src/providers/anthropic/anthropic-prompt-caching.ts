import type Anthropic from "@anthropic-ai/sdk";

const EPHEMERAL = { type: "ephemeral" } as const;

type Params = Pick<Anthropic.MessageCreateParamsStreaming, "system" | "tools" | "messages">;

/**
 * Marks cache breakpoints (3 of the API's 4): the system prompt, the last tool, and the
 * last block of the last message. Each call of an agent loop then reads the previous
 * call's prefix from the cache. Thinking blocks cannot carry a breakpoint and are left
 * alone. Mutates and returns `params`.
 */
export function applyPromptCaching<T extends Params>(params: T): T {
  if (typeof params.system === "string")
    params.system = [{ type: "text", text: params.system, cache_control: EPHEMERAL }];
  const lastTool = params.tools?.at(-1);
  if (lastTool && "input_schema" in lastTool) lastTool.cache_control = EPHEMERAL;
  const lastMessage = params.messages.at(-1);
  const content = lastMessage?.content;
  if (typeof content === "string" && lastMessage)
    lastMessage.content = [{ type: "text", text: content, cache_control: EPHEMERAL }];
  else if (Array.isArray(content)) {
    const block = content.at(-1);
    if (block && block.type !== "thinking" && block.type !== "redacted_thinking")
      block.cache_control = EPHEMERAL;
  }
  return params;
}
