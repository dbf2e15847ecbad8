/**
 * Keeps the last `maxBytes` of a stream (a child's stderr): enough to explain a crash,
 * bounded however much the child writes.
 */
export class TailBuffer {
  readonly #maxBytes: number;
  #chunks: Buffer[] = [];
  #size = 0;
  #dropped = false;

  constructor(maxBytes = 64 * 1024) {
    this.#maxBytes = maxBytes;
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size - this.#chunks[0]!.length >= this.#maxBytes) {
      this.#size -= this.#chunks.shift()!.length;
      this.#dropped = true;
    }
    if (this.#size > this.#maxBytes) {
      const first = this.#chunks[0]!;
      this.#chunks[0] = first.subarray(this.#size - this.#maxBytes);
      this.#size = this.#maxBytes;
      this.#dropped = true;
    }
  }

  /** The kept text; starts with `…` when older output was dropped. */
  text(): string {
    const text = Buffer.concat(this.#chunks).toString("utf8");
    return this.#dropped ? `…${text}` : text;
  }
}
