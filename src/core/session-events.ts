import { withCanonicalToolName } from "../hooks/index.js";
import {
  type AgentEvent,
  type AgentEventBody,
  type ArkyError,
  addUsage,
  emptyUsage,
  toArkyError,
  type Usage,
} from "../protocol/index.js";
import { ConversationBuilder, type SessionStore } from "../session/index.js";
import type { AgentEventListener } from "./agent-types.js";
import { SessionWriter } from "./session-writer.js";

/** Where a session's events go: stamped in order, into the store, the conversation and the listeners. */
export class SessionEvents {
  readonly sessionId: string;
  readonly #writer: SessionWriter;
  readonly #listeners = new Set<AgentEventListener>();
  readonly #now: () => number;
  conversation: ConversationBuilder;
  #seq: number;
  usage: Usage = emptyUsage();
  /** Undefined once some turn's cost was unknown. */
  costUsd: number | undefined = 0;

  constructor(
    store: SessionStore,
    sessionId: string,
    restored?: { conversation: ConversationBuilder; lastSeq: number },
    now: () => number = Date.now,
  ) {
    this.#now = now;
    this.sessionId = sessionId;
    this.#writer = new SessionWriter(store, sessionId);
    this.conversation = restored?.conversation ?? new ConversationBuilder();
    this.#seq = restored?.lastSeq ?? 0;
  }

  subscribe(listener: AgentEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Stamps, stores and fans out one event; awaits the store only when it commits. A failed
   * commit rejects (the event is not fanned out) and stops storing until {@link restore}.
   */
  async emit(body: AgentEventBody, turnId: string | undefined): Promise<AgentEvent> {
    const event = this.stamp(body, turnId);
    const committing = this.#writer.write(event);
    if (committing) await committing;
    this.notify(event);
    return event;
  }

  /** As {@link emit}, resolving with the failed commit's error instead of rejecting. */
  tryEmit(body: AgentEventBody, turnId: string | undefined): Promise<AgentEvent | ArkyError> {
    return this.emit(body, turnId).catch((error: unknown) => toArkyError(error, "store"));
  }

  /** The failed commit after which nothing is stored, until {@link restore}. */
  get failure(): ArkyError | undefined {
    return this.#writer.failure;
  }

  /** Continues from what the store holds (after a failed commit): its conversation and last seq. */
  restore(restored: { conversation: ConversationBuilder; lastSeq: number }): void {
    this.conversation = restored.conversation;
    this.#seq = restored.lastSeq;
    this.#writer.reset();
  }

  /** Gives a runtime event its envelope (session, seq, time, turn) and folds it into the conversation. */
  stamp(runtimeBody: AgentEventBody, turnId: string | undefined): AgentEvent {
    // One place for every runtime: tools carry their canonical name (the runtime's own kept apart).
    const body = withCanonicalToolName(runtimeBody);
    // Deltas are most of a stream: one fixed-shape literal, and nothing for the conversation.
    if (
      body.type === "message-delta" &&
      (body as { parentToolCallId?: string }).parentToolCallId === undefined
    )
      return {
        type: "message-delta",
        messageId: body.messageId,
        delta: body.delta,
        sessionId: this.sessionId,
        seq: ++this.#seq,
        timestamp: this.#now(),
        turnId,
      };
    const event = {
      ...body,
      sessionId: this.sessionId,
      seq: ++this.#seq,
      timestamp: this.#now(),
      turnId,
    } as AgentEvent;
    this.conversation.add(event);
    return event;
  }

  /** Buffers a stamped event for the store; a promise only when this write commits. */
  write(event: AgentEvent): Promise<void> | undefined {
    return this.#writer.write(event);
  }

  /** Commits whatever is buffered. */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /** Fans an event out to the listeners; a `turn-end` adds to the totals here, once it is handed on. */
  notify(event: AgentEvent): void {
    if (event.type === "turn-end") {
      this.usage = addUsage(this.usage, event.usage);
      this.costUsd =
        this.costUsd === undefined || event.costUsd === undefined ? undefined : this.costUsd + event.costUsd;
    }
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; it must not break the turn or other listeners.
      }
    }
  }
}
