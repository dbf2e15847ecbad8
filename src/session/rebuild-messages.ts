import type {
  AgentEvent,
  AgentEventBody,
  Message,
  ToolResultBlock,
  ToolUseBlock,
  UserMessage,
} from "../protocol/index.js";

/**
 * The message the model gets when an `onStop` hook blocked the stop: the hook's reason.
 * Its `hook-decision` event (`onStop`, `block`) stands for it in the session's events.
 */
export function stopFollowUp(reason: string | undefined): UserMessage {
  return { role: "user", content: [{ type: "text", text: reason || "Continue." }] };
}

/**
 * Builds the conversation from a session's events, one event at a time: each turn's
 * input, each completed assistant message, the tool results that followed it as one
 * user message, and the reason of a blocked stop (see {@link stopFollowUp}). The Agent uses it live and on resume, so the two cannot disagree.
 *
 * Deltas of a message that never completed are ignored. A tool call left without a
 * result (a crash or cancellation between the message and its tool results) gets an
 * error result saying it was interrupted, because model APIs reject a tool call without
 * a result. Events of a sub-agent's work (those with a `parentToolCallId`) are not part of
 * this conversation and are skipped.
 */
export class ConversationBuilder {
  readonly messages: Message[] = [];
  #pendingCalls: ToolUseBlock[] = [];
  #pendingResults: ToolResultBlock[] = [];
  /** The follow-up of a blocked stop, until a message follows it. */
  #followUp: Message | undefined;

  /** Adds one event. Sub-agent events (with a `parentToolCallId`) belong to another conversation and are skipped. */
  add(event: AgentEvent | AgentEventBody): void {
    if ("parentToolCallId" in event && event.parentToolCallId !== undefined) return;
    switch (event.type) {
      case "turn-start":
        this.#flush();
        // Sessions stored before a blocked stop continued its turn ran the follow-up as a new turn.
        if (!sameContent(this.#followUp, event.input)) this.messages.push(event.input);
        this.#followUp = undefined;
        break;
      case "message-end":
        this.#followUp = undefined;
        this.#flush();
        this.messages.push(event.message);
        this.#pendingCalls = event.message.content.filter((b): b is ToolUseBlock => b.type === "tool-use");
        break;
      case "tool-execution-end":
        this.#pendingResults.push(event.result);
        break;
      case "hook-decision":
        if (event.hookEvent !== "onStop" || event.decision !== "block") break;
        this.#flush();
        this.#followUp = stopFollowUp(event.reason);
        this.messages.push(this.#followUp);
        break;
      default:
        break;
    }
  }

  /** The conversation so far, with pending tool results closed. */
  build(): Message[] {
    this.#flush();
    return this.messages;
  }

  #flush(): void {
    if (this.#pendingCalls.length === 0 && this.#pendingResults.length === 0) return;
    const byId = new Map(this.#pendingResults.map((r) => [r.toolUseId, r]));
    const content: ToolResultBlock[] = this.#pendingCalls.map(
      (call) =>
        byId.get(call.id) ?? {
          type: "tool-result",
          toolUseId: call.id,
          content: [{ type: "text", text: "The tool call was interrupted before it returned a result." }],
          isError: true,
        },
    );
    // Results of calls not in the last message (should not happen) are kept, after the others.
    for (const r of this.#pendingResults)
      if (!this.#pendingCalls.some((c) => c.id === r.toolUseId)) content.push(r);
    this.messages.push({ role: "user", content });
    this.#pendingCalls = [];
    this.#pendingResults = [];
  }
}

function sameContent(a: Message | undefined, b: Message): boolean {
  return a !== undefined && JSON.stringify(a.content) === JSON.stringify(b.content);
}

/** Rebuilds the conversation from a session's events (see {@link ConversationBuilder}). */
export function rebuildMessages(events: Iterable<AgentEvent | AgentEventBody>): Message[] {
  const builder = new ConversationBuilder();
  for (const event of events) builder.add(event);
  return builder.build();
}
