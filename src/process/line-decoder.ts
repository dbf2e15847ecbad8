/** Options of {@link LineDecoder}. */
export interface LineDecoderOptions {
  /** Longest line accepted, in bytes (without the LF). Longer lines are skipped. */
  maxLineBytes: number;
  onLine: (line: string) => void;
  /** Called once per skipped line with the number of bytes it had when it was dropped. */
  onOverflow: (bytes: number) => void;
}

const LF = 0x0a;

/**
 * Splits a byte stream into LF-terminated UTF-8 lines (a trailing CR is removed). A line
 * longer than the cap is dropped whole — the bytes up to its LF are discarded — and
 * reported once, so one runaway line cannot exhaust memory or desynchronise framing.
 */
export class LineDecoder {
  readonly #options: LineDecoderOptions;
  #parts: Buffer[] = [];
  #size = 0;
  #discarding = false;

  constructor(options: LineDecoderOptions) {
    this.#options = options;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(LF, start);
      const end = newline === -1 ? chunk.length : newline;
      const piece = chunk.subarray(start, end);
      if (!this.#discarding) {
        if (this.#size + piece.length > this.#options.maxLineBytes) {
          this.#options.onOverflow(this.#size + piece.length);
          this.#parts = [];
          this.#size = 0;
          this.#discarding = true;
        } else if (piece.length > 0) {
          this.#parts.push(piece);
          this.#size += piece.length;
        }
      }
      if (newline === -1) break;
      if (this.#discarding) this.#discarding = false;
      else this.#emit();
      start = newline + 1;
    }
  }

  /** Delivers a final line that had no LF (at end of stream). */
  end(): void {
    if (!this.#discarding && this.#size > 0) this.#emit();
    this.#parts = [];
    this.#size = 0;
    this.#discarding = false;
  }

  #emit(): void {
    let line = Buffer.concat(this.#parts, this.#size).toString("utf8");
    this.#parts = [];
    this.#size = 0;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    this.#options.onLine(line);
  }
}
