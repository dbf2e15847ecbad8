import { describe, expect, it } from "vitest";
import { type SseEvent, SseParser } from "../../src/providers/anthropic/sse-parser.js";

function parse(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((e) => events.push(e));
  for (const chunk of chunks) parser.feed(chunk);
  parser.end();
  return events;
}

/** Every way of cutting `text` in two, so a boundary falls everywhere once. */
function everySplit(text: string): string[][] {
  const out: string[][] = [[text]];
  for (let i = 1; i < text.length; i++) out.push([text.slice(0, i), text.slice(i)]);
  return out;
}

describe("SseParser", () => {
  it("reads named events and default ones, with one leading space dropped", () => {
    expect(parse(['event: ping\ndata: {"type":"ping"}\n\n', "data:  two spaces\n\n"])).toEqual([
      { event: "ping", data: '{"type":"ping"}' },
      { event: undefined, data: " two spaces" },
    ]);
  });

  it("joins data lines with LF, skips comments, ignores id and retry, drops events without data", () => {
    const text =
      ": keep-alive\nid: 7\nretry: 100\nevent: a\ndata: one\ndata\ndata: three\n\nevent: empty\n\n";
    expect(parse([text])).toEqual([{ event: "a", data: "one\n\nthree" }]);
  });

  it("gives the same events for LF, CRLF and CR line endings, however the stream is cut", () => {
    const lf = "event: x\ndata: 1\n\nevent: y\ndata: 2\ndata: 3\n\n";
    const expected = [
      { event: "x", data: "1" },
      { event: "y", data: "2\n3" },
    ];
    for (const text of [lf, lf.replaceAll("\n", "\r\n"), lf.replaceAll("\n", "\r")])
      for (const chunks of everySplit(text)) expect(parse(chunks)).toEqual(expected);
  });

  it("drops a last event whose blank line never came", () => {
    expect(parse(["data: done\n\ndata: cut"])).toEqual([{ event: undefined, data: "done" }]);
  });

  it("keeps a colon inside the value", () => {
    expect(parse(['data: {"a":"b:c"}\n\n'])).toEqual([{ event: undefined, data: '{"a":"b:c"}' }]);
  });
});
