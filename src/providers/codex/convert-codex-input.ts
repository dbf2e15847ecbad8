import type { UserMessage } from "../../protocol/index.js";

/** One `UserInput` item of Codex's `turn/start`. */
export type CodexUserInput = { type: "text"; text: string } | { type: "image"; url: string };

/**
 * Converts an Arky user message into Codex input items: text as text, images as URLs
 * (inline images as `data:` URLs). Tool results are not user input for Codex (it runs
 * its tools itself) and are left out.
 */
export function toCodexInput(message: UserMessage): CodexUserInput[] {
  const out: CodexUserInput[] = [];
  for (const block of message.content) {
    if (block.type === "text") out.push({ type: "text", text: block.text });
    else if (block.type === "image")
      out.push({
        type: "image",
        url:
          block.source.type === "url"
            ? block.source.url
            : `data:${block.source.mediaType};base64,${block.source.data}`,
      });
  }
  return out;
}
