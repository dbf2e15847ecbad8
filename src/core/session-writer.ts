import { type AgentEvent, isDeltaEvent } from "../protocol/index.js";
import type { SessionStore } from "../session/index.js";

/**
 * Writes a session's events to its store under the durability rule: every event other
 * than a delta is committed (with the deltas before it) before `write` resolves, so a
 * completed message or tool result is durable before the next tool runs; deltas are
 * batched and only the ones of the message in flight can be lost in a crash.
 */
export class SessionWriter {
  readonly #store: SessionStore;
  readonly #sessionId: string;
  readonly #batchSize: number;
  #buffer: AgentEvent[] = [];

  constructor(store: SessionStore, sessionId: string, batchSize = 512) {
    this.#store = store;
    this.#sessionId = sessionId;
    this.#batchSize = batchSize;
  }

  /**
   * Buffers a delta, or commits everything buffered plus this event. Returns a promise
   * only when it commits, so buffered deltas cost no await.
   */
  write(event: AgentEvent): Promise<void> | undefined {
    this.#buffer.push(event);
    if (!isDeltaEvent(event) || this.#buffer.length >= this.#batchSize) return this.flush();
    return undefined;
  }

  /** Commits whatever is buffered. */
  async flush(): Promise<void> {
    if (this.#buffer.length === 0) return;
    const batch = this.#buffer;
    this.#buffer = [];
    await this.#store.append(this.#sessionId, batch);
  }
}
