import { ArkyError } from "../protocol/index.js";

/**
 * Follows a session's rows as a store reads them in seq order and refuses a gap: each row
 * (a single event at `seq`, or a run of deltas `seq`…`endSeq`) must start right after the
 * one before. Appends are atomic and seq-checked, so a gap means a row was lost or deleted
 * behind the store's back; reading on would rebuild a conversation with a hole in it.
 */
export class SeqContinuity {
  readonly #sessionId: string;
  #next: number | undefined;

  /** `afterSeq`: where the read starts; 0 checks from seq 1, otherwise from the first row read. */
  constructor(sessionId: string, afterSeq: number) {
    this.#sessionId = sessionId;
    this.#next = afterSeq === 0 ? 1 : undefined;
  }

  /** Checks the next row; throws a `store` error naming the session and the first missing seq. */
  row(seq: number, endSeq: unknown): void {
    if (this.#next !== undefined && seq !== this.#next) {
      throw new ArkyError({
        code: "store",
        message: `Session ${this.#sessionId} is missing events: seq ${this.#next} to ${seq - 1} are not in the store.`,
        correction:
          "The session's log has a hole (a row was deleted or lost outside Arky). Restore the " +
          "store from a backup, or fork the session before the hole (Agent.fork with atSeq).",
        details: { sessionId: this.#sessionId, missingFromSeq: this.#next, missingToSeq: seq - 1 },
      });
    }
    this.#next = (typeof endSeq === "number" ? endSeq : seq) + 1;
  }

  /** After reading the row at or before `afterSeq` that reaches past it: continue from its end. */
  from(endSeq: number): void {
    this.#next = endSeq + 1;
  }
}
