import type { Notification, Pool, PoolClient } from "pg";
import { z } from "zod";
import type { ArkyError } from "../../protocol/index.js";
import { toPostgresStoreError } from "./postgres-errors.js";

/** The NOTIFY payload an append sends after it commits. */
export const notificationSchema = z.object({ sessionId: z.string(), lastSeq: z.number() });

/** Callbacks of one live tail. */
export interface NotificationSubscriber {
  /** New events up to `lastSeq` were committed to the session. */
  onNotify(lastSeq: number): void;
  /** The listening connection failed; no more notifications will come. */
  onError(error: ArkyError): void;
}

/**
 * One LISTEN connection per store, shared by all its tails. It is taken from the pool on
 * the first tail and kept until {@link close}; when it fails, every tail gets the
 * classified error and the next tail opens a new connection.
 */
export class PostgresListener {
  readonly #pool: Pool;
  readonly #channel: string;
  readonly #subscribers = new Map<string, Set<NotificationSubscriber>>();
  #client: PoolClient | undefined;
  #starting: Promise<void> | undefined;

  constructor(pool: Pool, channel: string) {
    this.#pool = pool;
    this.#channel = channel;
  }

  /** Registers a subscriber and resolves once LISTEN is active; returns the unsubscribe function. */
  async subscribe(sessionId: string, subscriber: NotificationSubscriber): Promise<() => void> {
    const set = this.#subscribers.get(sessionId) ?? new Set<NotificationSubscriber>();
    this.#subscribers.set(sessionId, set);
    set.add(subscriber);
    const unsubscribe = () => {
      set.delete(subscriber);
      if (set.size === 0 && this.#subscribers.get(sessionId) === set) this.#subscribers.delete(sessionId);
    };
    try {
      if (!this.#client) {
        this.#starting ??= this.#start().finally(() => {
          this.#starting = undefined;
        });
        await this.#starting;
      }
    } catch (error) {
      unsubscribe();
      throw toPostgresStoreError(error, { operation: "Listening for new events of", sessionId });
    }
    return unsubscribe;
  }

  /** Stops listening and returns the connection to the pool. */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (!client) return;
    try {
      await client.query(`UNLISTEN "${this.#channel}"`);
      client.release();
    } catch (error) {
      client.release(error instanceof Error ? error : true);
    }
  }

  async #start(): Promise<void> {
    const client = await this.#pool.connect();
    // A dead connection emits "error" while checked out; without a listener that would crash.
    client.on("error", (error) => this.#fail(client, error));
    client.on("notification", (message) => this.#dispatch(message));
    try {
      await client.query(`LISTEN "${this.#channel}"`);
    } catch (error) {
      client.release(error instanceof Error ? error : true);
      throw error;
    }
    this.#client = client;
  }

  #fail(client: PoolClient, error: unknown): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.release(error instanceof Error ? error : true);
    const classified = toPostgresStoreError(error, { operation: "Listening for new session events" });
    const subscribers = [...this.#subscribers.values()].flatMap((set) => [...set]);
    this.#subscribers.clear();
    for (const subscriber of subscribers) subscriber.onError(classified);
  }

  #dispatch(message: Notification): void {
    if (message.channel !== this.#channel || message.payload === undefined) return;
    let payload: unknown;
    try {
      payload = JSON.parse(message.payload);
    } catch {
      // Not ours: another program notified on the channel.
      return;
    }
    const parsed = notificationSchema.safeParse(payload);
    if (!parsed.success) return;
    for (const subscriber of this.#subscribers.get(parsed.data.sessionId) ?? []) {
      subscriber.onNotify(parsed.data.lastSeq);
    }
  }
}
