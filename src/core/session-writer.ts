import { type AgentEvent, ArkyError } from "../protocol/index.js";
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

/** Options of {@link SessionWriter}. */
export interface SessionWriterOptions {
  /** At most this many events are buffered before a commit (default 2048). */
  batchSize?: number;
  /**
   * Buffered events are committed once the newest is this much later than the oldest, by
   * their timestamps (default 100 ms), so a live tail in another process lags little
   * behind a slow stream.
   */
  maxDelayMs?: number;
}

/**
 * Writes a session's events to its store under the durability rule: a completed message,
 * a tool result, or the end of a turn is committed — with every event before it — before
 * `write` resolves, and so before the next tool runs. Other events are buffered (at most
 * `batchSize`, or `maxDelayMs` of them), so a crash can only lose the part of a turn that
 * had not reached a checkpoint yet, such as the deltas of the message in flight.
 */
export class SessionWriter {
  readonly #store: SessionStore;
  readonly #sessionId: string;
  readonly #batchSize: number;
  readonly #maxDelayMs: number;
  #buffer: AgentEvent[] = [];
  #failure: ArkyError | undefined;

  constructor(store: SessionStore, sessionId: string, options: SessionWriterOptions = {}) {
    const { batchSize = 2048, maxDelayMs = 100 } = options;
    this.#store = store;
    this.#sessionId = sessionId;
    this.#batchSize = batchSize;
    this.#maxDelayMs = maxDelayMs;
  }

  /**
   * Buffers an event, or commits everything buffered when it is a checkpoint, the buffer
   * is full or its oldest event is `maxDelayMs` older. Returns a promise only when it
   * commits, so buffered events cost no await. After a failed commit it drops every event
   * until {@link reset}: their seqs no longer continue what the store holds.
   */
  write(event: AgentEvent): Promise<void> | undefined {
    if (this.#failure) return undefined;
    const buffer = this.#buffer;
    buffer.push(event);
    if (
      CHECKPOINTS.has(event.type) ||
      buffer.length >= this.#batchSize ||
      event.timestamp - buffer[0]!.timestamp >= this.#maxDelayMs
    ) {
      return this.flush();
    }
    return undefined;
  }

  /**
   * Commits whatever is buffered. A failed append rejects with {@link commitFailure}'s
   * error and stops the writer (see {@link failure}).
   */
  async flush(): Promise<void> {
    if (this.#buffer.length === 0 || this.#failure) return;
    const batch = this.#buffer;
    this.#buffer = [];
    try {
      await this.#store.append(this.#sessionId, batch);
    } catch (cause) {
      this.#failure = commitFailure(cause, this.#sessionId, batch[0]!.seq);
      throw this.#failure;
    }
  }

  /** The failed commit that stopped this writer, until {@link reset}. */
  get failure(): ArkyError | undefined {
    return this.#failure;
  }

  /** Writes again, after the caller has re-read the session's last seq from the store. */
  reset(): void {
    this.#failure = undefined;
    this.#buffer = [];
  }
}

/**
 * The error of a failed commit: see {@link storeFailure}, with `details.unstoredFromSeq`, the
 * first seq that is not stored.
 */
export function commitFailure(cause: unknown, sessionId: string, unstoredFromSeq: number): ArkyError {
  return storeFailure(cause, {
    message: `The events of session ${sessionId} from seq ${unstoredFromSeq} on could not be stored`,
    correction:
      "Those events (some may have been streamed already) are not in the store. The Agent " +
      "re-reads the session from the store before its next turn, which continues from what was stored.",
    details: { sessionId, unstoredFromSeq },
  });
}

/**
 * A store's failure as the Agent reports it: the store's own code (`store`, `session-conflict`,
 * …; `store` for an unclassified failure), retryability and details, the store's error as `cause`.
 */
export function storeFailure(
  cause: unknown,
  what: { message: string; correction: string; details: Record<string, unknown> },
): ArkyError {
  const store = ArkyError.isArkyError(cause) ? cause : undefined;
  return new ArkyError({
    code: store?.code ?? "store",
    message: `${what.message}: ${cause instanceof Error ? cause.message : String(cause)}`,
    retryable: store?.retryable ?? false,
    correction: what.correction,
    details: { ...store?.details, ...what.details },
    cause,
  });
}
