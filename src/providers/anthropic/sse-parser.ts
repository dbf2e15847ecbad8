import { malformedResponse } from "./anthropic-error.js";

/** The longest line {@link SseParser} keeps by default: 16 MiB of characters. */
export const DEFAULT_MAX_SSE_LINE = 16 * 1024 * 1024;

/** One server-sent event: its `event` name (undefined for the default) and its data. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

/**
 * An incremental parser of `text/event-stream` (the WHATWG rules Arky needs): lines end in
 * LF, CR or CRLF, also across chunk boundaries; `:` starts a comment; `data` lines join
 * with LF; one optional space after the colon is dropped; a blank line dispatches (an
 * event without data is dropped); `id` and `retry` are ignored, as a one-shot POST stream
 * has no reconnection. Written for the hot path: a model stream is thousands of small
 * events, and a line scan with `indexOf` is most of what this costs. A line that arrives in
 * many chunks is scanned once, when its end arrives (linear in its length); a line longer
 * than `maxLineLength` throws `malformed-response`.
 */
export class SseParser {
  readonly #onEvent: (event: SseEvent) => void;
  #buffer = "";
  #event: string | undefined;
  #data: string | undefined;
  #skipLf = false;
  readonly #maxLine: number;

  constructor(onEvent: (event: SseEvent) => void, options: { maxLineLength?: number } = {}) {
    this.#onEvent = onEvent;
    this.#maxLine = options.maxLineLength ?? DEFAULT_MAX_SSE_LINE;
  }

  /** Parses the next piece of the stream; complete events are dispatched at once. */
  feed(chunk: string): void {
    // Mid-line and still no line end: append without rescanning what is already buffered.
    if (this.#buffer !== "" && chunk.indexOf("\n") === -1 && chunk.indexOf("\r") === -1) {
      this.#buffer += chunk;
      this.#checkLength();
      return;
    }
    let text = this.#buffer === "" ? chunk : this.#buffer + chunk;
    if (this.#skipLf && text.charCodeAt(0) === 10) text = text.slice(1);
    this.#skipLf = false;
    let start = 0;
    const length = text.length;
    // The next CR is looked up again only once passed: most streams have none.
    let cr = text.indexOf("\r");
    while (start < length) {
      let end = text.indexOf("\n", start);
      if (cr !== -1 && cr < start) cr = text.indexOf("\r", start);
      if (cr !== -1 && (end === -1 || cr < end)) end = cr;
      if (end === -1) break;
      this.#line(text, start, end);
      if (text.charCodeAt(end) === 13) {
        if (end + 1 === length) this.#skipLf = true;
        else if (text.charCodeAt(end + 1) === 10) end++;
      }
      start = end + 1;
    }
    this.#buffer = start >= length ? "" : text.slice(start);
    this.#checkLength();
  }

  #checkLength(): void {
    if (this.#buffer.length <= this.#maxLine) return;
    this.#buffer = "";
    throw malformedResponse(`a line of the event stream is longer than ${this.#maxLine} characters`);
  }

  /** The stream ended: an event left without its blank line is dropped, as the spec says. */
  end(): void {
    this.#buffer = "";
    this.#event = undefined;
    this.#data = undefined;
  }

  #line(text: string, start: number, end: number): void {
    if (start === end) {
      const data = this.#data;
      const event = this.#event;
      this.#data = undefined;
      this.#event = undefined;
      if (data !== undefined) this.#onEvent({ event, data });
      return;
    }
    if (text.charCodeAt(start) === 58) return; // ":" comment
    const colon = text.indexOf(":", start);
    let field: string;
    let value: string;
    if (colon === -1 || colon > end) {
      field = text.slice(start, end);
      value = "";
    } else {
      field = text.slice(start, colon);
      const from = text.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1;
      value = from >= end ? "" : text.slice(from, end);
    }
    if (field === "data") this.#data = this.#data === undefined ? value : `${this.#data}\n${value}`;
    else if (field === "event") this.#event = value === "" ? undefined : value;
  }
}
