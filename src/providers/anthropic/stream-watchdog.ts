import { ArkyError } from "../../protocol/index.js";

/**
 * Aborts a call that goes quiet: no response headers, or no stream event, within
 * `timeoutMs` of the previous sign of life. Also forwards the caller's signal, so the
 * request needs only {@link StreamWatchdog.signal}.
 */
export class StreamWatchdog {
  readonly #controller = new AbortController();
  readonly #outer: AbortSignal | undefined;
  readonly #onOuterAbort = () => this.#controller.abort(this.#outer?.reason);
  #timer: NodeJS.Timeout | undefined;
  #last = performance.now();
  /** Whether the watchdog fired (as opposed to the caller aborting). */
  timedOut = false;

  constructor(timeoutMs: number | undefined, outer: AbortSignal | undefined) {
    this.#outer = outer;
    if (outer?.aborted) this.#controller.abort(outer.reason);
    else outer?.addEventListener("abort", this.#onOuterAbort, { once: true });
    if (timeoutMs === undefined || timeoutMs <= 0) return;
    // One coarse interval instead of a timer reset per event keeps per-delta cost to a clock read.
    this.#timer = setInterval(
      () => {
        if (performance.now() - this.#last < timeoutMs) return;
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

  /** Records a sign of life. */
  touch(): void {
    this.#last = performance.now();
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

  /** Stops the timer and detaches from the caller's signal. */
  dispose(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#outer?.removeEventListener("abort", this.#onOuterAbort);
  }
}
