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
 * events, and a line scan with `indexOf` is most of what this costs.
 */
export class SseParser {
  readonly #onEvent: (event: SseEvent) => void;
  #buffer = "";
  #event: string | undefined;
  #data: string | undefined;
  #skipLf = false;

  constructor(onEvent: (event: SseEvent) => void) {
    this.#onEvent = onEvent;
  }

  /** Parses the next piece of the stream; complete events are dispatched at once. */
  feed(chunk: string): void {
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
