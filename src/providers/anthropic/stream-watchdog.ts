import { ArkyError } from "../../protocol/index.js";

/** How long a call without `timeoutMs` may wait for response headers (the SDK's default). */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Aborts a call that goes quiet: no response headers, or no stream data, within
 * `timeoutMs` while waiting on the API (time the consumer spends is not counted); without
 * `timeoutMs`, only the headers are waited for, up to {@link DEFAULT_HEADERS_TIMEOUT_MS}.
 * Also forwards the caller's signal, so the request needs only {@link StreamWatchdog.signal}.
 */
export class StreamWatchdog {
  readonly #controller = new AbortController();
  readonly #outer: AbortSignal | undefined;
  readonly #onOuterAbort = () => this.#controller.abort(this.#outer?.reason);
  #timer: NodeJS.Timeout | undefined;
  #headersTimer: NodeJS.Timeout | undefined;
  #last = performance.now();
  #waiting = true;
  /** Whether the watchdog fired (as opposed to the caller aborting). */
  timedOut = false;

  constructor(timeoutMs: number | undefined, outer: AbortSignal | undefined) {
    this.#outer = outer;
    if (outer?.aborted) this.#controller.abort(outer.reason);
    else outer?.addEventListener("abort", this.#onOuterAbort, { once: true });
    if (timeoutMs === undefined || timeoutMs <= 0) {
      this.#headersTimer = setTimeout(() => {
        this.timedOut = true;
        this.#controller.abort(this.error(DEFAULT_HEADERS_TIMEOUT_MS));
        this.dispose();
      }, DEFAULT_HEADERS_TIMEOUT_MS);
      this.#headersTimer.unref();
      return;
    }
    // One coarse interval instead of a timer reset per event keeps per-delta cost to a clock read.
    this.#timer = setInterval(
      () => {
        if (!this.#waiting || performance.now() - this.#last < timeoutMs) return;
        this.timedOut = true;
        this.#controller.abort(this.error(timeoutMs));
        this.dispose();
      },
      Math.max(5, Math.min(1000, timeoutMs / 4)),
    );
    this.#timer.unref();
  }

  /** The signal to pass to the request. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The response headers arrived: the default headers deadline no longer applies. */
  headersReceived(): void {
    if (this.#headersTimer) clearTimeout(this.#headersTimer);
    this.#headersTimer = undefined;
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
  error(timeoutMs?: number): ArkyError {
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
    this.headersReceived();
    this.#outer?.removeEventListener("abort", this.#onOuterAbort);
  }
}
