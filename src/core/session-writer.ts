import type { AgentEvent } from "../protocol/index.js";
import type { SessionStore } from "../session/index.js";

/**
 * Events that must be durable before the Agent hands them on: completed messages, tool
 * results, and the ends of turns and sessions. Anything else (deltas, starts, usage,
 * decisions) rides along with the next one of these.
 */
const CHECKPOINTS: ReadonlySet<string> = new Set([
  "message-end",
  "tool-execution-end",
  "turn-end",
  "session-end",
]);

/** Whether an event is a durability checkpoint (see {@link SessionWriter}). */
export function isCheckpointEvent(event: { type: string }): boolean {
  return CHECKPOINTS.has(event.type);
}

/**
 * Writes a session's events to its store under the durability rule: a completed message,
 * a tool result, or the end of a turn is committed — with every event before it — before
 * `write` resolves, and so before the next tool runs. Other events are buffered (at most
 * `batchSize`), so a crash can only lose the part of a turn that had not reached a
 * checkpoint yet, such as the deltas of the message in flight.
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
   * Buffers an event, or commits everything buffered when it is a checkpoint or the
   * buffer is full. Returns a promise only when it commits, so buffered events cost no await.
   */
  write(event: AgentEvent): Promise<void> | undefined {
    this.#buffer.push(event);
    if (CHECKPOINTS.has(event.type) || this.#buffer.length >= this.#batchSize) return this.flush();
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
