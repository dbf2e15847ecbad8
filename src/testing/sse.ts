import type { ServerResponse } from "node:http";

/** One Server-Sent Events frame: `event: <name>\ndata: <json>\n\n`. */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** A frame whose data line is written verbatim (for deliberately broken streams). */
export function rawSseFrame(event: string, data: string): string {
  return `event: ${event}\ndata: ${data}\n\n`;
}

/** Options of {@link SseWriter}. */
export interface SseWriterOptions {
  /** Wait this long between frames; 0 writes frames in large batches. */
  frameDelayMs?: number;
  /** Aborted when the client goes away; pending writes then stop. */
  signal: AbortSignal;
}

// Frames are coalesced up to this many characters per socket write.
const BATCH_CHARS = 64 * 1024;

/**
 * Writes SSE frames to a response. Without a frame delay, frames are batched into
 * large writes and only backpressure (a full socket buffer) makes it wait, so tens of
 * thousands of small frames stream in milliseconds.
 */
export class SseWriter {
  readonly #res: ServerResponse;
  readonly #delayMs: number;
  readonly #signal: AbortSignal;
  #pending = "";

  constructor(res: ServerResponse, options: SseWriterOptions) {
    this.#res = res;
    this.#delayMs = options.frameDelayMs ?? 0;
    this.#signal = options.signal;
  }

  /**
   * Queues a frame. Returns a promise only when the caller must wait (a frame delay, or
   * a full socket buffer); otherwise undefined, so hot loops pay no await per frame.
   */
  write(frame: string): Promise<void> | undefined {
    if (this.#signal.aborted) return undefined;
    this.#pending += frame;
    if (this.#delayMs > 0) return this.#flushThenDelay();
    if (this.#pending.length >= BATCH_CHARS) return this.flush();
    return undefined;
  }

  async #flushThenDelay(): Promise<void> {
    await this.flush();
    await delay(this.#delayMs, this.#signal);
  }

  /** Writes what is queued; returns a promise when the socket buffer is full (resolves on drain). */
  flush(): Promise<void> | undefined {
    if (!this.#pending || this.#signal.aborted) return undefined;
    const chunk = this.#pending;
    this.#pending = "";
    return this.#res.write(chunk) ? undefined : drained(this.#res, this.#signal);
  }

  /** Writes what is queued and waits until it has been handed to the kernel. */
  async flushToSocket(): Promise<void> {
    const chunk = this.#pending;
    this.#pending = "";
    if (this.#signal.aborted) return;
    await new Promise<void>((resolve) => {
      this.#res.write(chunk, () => resolve());
      this.#signal.addEventListener("abort", () => resolve(), { once: true });
    });
  }

  /** Writes what is queued and ends the response. */
  end(): void {
    if (this.#signal.aborted) return;
    const chunk = this.#pending;
    this.#pending = "";
    this.#res.end(chunk);
  }
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    res.on("drain", done);
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Resolves after `ms`, or early (without error) when the signal aborts. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
