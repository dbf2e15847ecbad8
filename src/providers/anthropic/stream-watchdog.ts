import { ArkyError } from "../../protocol/index.js";

/** How long a call without `timeoutMs` may wait for response headers (the SDK's default). */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * How long a call without `timeoutMs` may go without stream data once the headers came.
 * The API sends `ping` events while a model thinks, so minutes of silence mean a dead
 * connection or server.
 */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * Aborts a call that goes quiet: no response headers, or no stream data, within the limit
 * while waiting on the API (time the consumer spends is not counted). With `timeoutMs`,
 * both limits are `timeoutMs`; without it, {@link DEFAULT_HEADERS_TIMEOUT_MS} and
 * {@link DEFAULT_STREAM_IDLE_TIMEOUT_MS}; `Infinity` waits forever. Also forwards the
 * caller's signal, so the request needs only {@link StreamWatchdog.signal}.
 */
export class StreamWatchdog {
  readonly #controller = new AbortController();
  readonly #outer: AbortSignal | undefined;
  readonly #onOuterAbort = () => this.#controller.abort(this.#outer?.reason);
  readonly #headersLimitMs: number;
  readonly #idleLimitMs: number;
  #timer: NodeJS.Timeout | undefined;
  #headers = false;
  #last = performance.now();
  #waiting = true;
  /** Whether the watchdog fired (as opposed to the caller aborting). */
  timedOut = false;
  /** The limit that fired. */
  #firedMs: number | undefined;

  constructor(timeoutMs: number | undefined, outer: AbortSignal | undefined) {
    this.#outer = outer;
    const given = timeoutMs !== undefined && timeoutMs > 0;
    this.#headersLimitMs = given ? timeoutMs : DEFAULT_HEADERS_TIMEOUT_MS;
    this.#idleLimitMs = given ? timeoutMs : DEFAULT_STREAM_IDLE_TIMEOUT_MS;
    if (outer?.aborted) this.#controller.abort(outer.reason);
    else outer?.addEventListener("abort", this.#onOuterAbort, { once: true });
    // One coarse interval instead of a timer reset per event keeps per-delta cost to a clock read.
    const limit = Math.min(this.#headersLimitMs, this.#idleLimitMs);
    this.#timer = setInterval(
      () => {
        const limitMs = this.#headers ? this.#idleLimitMs : this.#headersLimitMs;
        if (!this.#waiting || performance.now() - this.#last < limitMs) return;
        this.timedOut = true;
        this.#firedMs = limitMs;
        this.#controller.abort(this.error());
        this.dispose();
      },
      Math.max(5, Math.min(1000, limit / 4)),
    );
    this.#timer.unref();
  }

  /** The signal to pass to the request. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The response headers arrived: from now on the stream idle limit applies. */
  headersReceived(): void {
    this.#headers = true;
    this.#last = performance.now();
  }

  /** Stops counting while the consumer handles what arrived (its pace is not the API's silence). */
  pause(): void {
    this.#waiting = false;
  }

  /** Starts counting silence again, from now. */
  resume(): void {
    this.#last = performance.now();
    this.#waiting = true;
  }

  /** The error a fired watchdog reports. */
  error(timeoutMs = this.#firedMs): ArkyError {
    return new ArkyError({
      code: "timeout",
      message: `The Anthropic API sent nothing for ${timeoutMs ?? "the configured"} ms.`,
      correction: "Raise `timeoutMs` for slow models, or retry.",
      details: { provider: "anthropic" },
    });
  }

  /** Aborts the request (if still open) and disposes the watchdog. */
  release(): void {
    this.dispose();
    if (!this.#controller.signal.aborted) this.#controller.abort(new Error("The stream was released."));
  }

  /** Stops the timer and detaches from the caller's signal. */
  dispose(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#outer?.removeEventListener("abort", this.#onOuterAbort);
  }
}
