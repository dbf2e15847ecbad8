import type { AgentEvent, AgentEventBody, Message, ToolResultBlock } from "../protocol/index.js";

/**
 * Rebuilds the conversation from a session's events: each turn's input, each completed
 * assistant message, and the tool results that followed it as one user message. Used
 * both live (the Agent's history) and on resume, so the two cannot disagree. Deltas of a
 * message that never completed are ignored.
 */
export function rebuildMessages(events: Iterable<AgentEvent | AgentEventBody>): Message[] {
  const messages: Message[] = [];
  let pendingResults: ToolResultBlock[] = [];
  const flush = () => {
    if (pendingResults.length) messages.push({ role: "user", content: pendingResults });
    pendingResults = [];
  };
  for (const event of events) {
    switch (event.type) {
      case "turn-start":
        flush();
        messages.push(event.input);
        break;
      case "message-end":
        flush();
        messages.push(event.message);
        break;
      case "tool-execution-end":
        pendingResults.push(event.result);
        break;
      default:
        break;
    }
  }
  flush();
  return messages;
}
