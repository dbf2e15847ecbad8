import type { EventStore } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/**
 * A bounded in-memory event store for one HTTP session: lets a client whose SSE stream
 * dropped reconnect with `Last-Event-ID` and receive what it missed. Only the newest
 * `capacity` events are kept.
 */
export class BoundedEventStore implements EventStore {
  readonly #events = new Map<string, { streamId: string; message: JSONRPCMessage }>();
  readonly #capacity: number;
  #next = 0;

  constructor(capacity = 100) {
    this.#capacity = capacity;
  }

  async storeEvent(streamId: string, message: JSONRPCMessage): Promise<string> {
    const eventId = `${streamId}_${++this.#next}`;
    this.#events.set(eventId, { streamId, message });
    if (this.#events.size > this.#capacity) {
      const oldest = this.#events.keys().next().value;
      if (oldest !== undefined) this.#events.delete(oldest);
    }
    return eventId;
  }

  async getStreamIdForEventId(eventId: string): Promise<string | undefined> {
    return this.#events.get(eventId)?.streamId;
  }

  async replayEventsAfter(
    lastEventId: string,
    { send }: { send: (eventId: string, message: JSONRPCMessage) => Promise<void> },
  ): Promise<string> {
    const streamId = this.#events.get(lastEventId)?.streamId ?? "";
    let after = false;
    for (const [eventId, event] of this.#events) {
      if (eventId === lastEventId) {
        after = true;
        continue;
      }
      // Priming events carry an empty message; there is nothing to resend for them.
      if (after && event.streamId === streamId && Object.keys(event.message).length > 0)
        await send(eventId, event.message);
    }
    return streamId;
  }
}
