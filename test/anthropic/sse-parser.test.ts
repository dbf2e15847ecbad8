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

describe("long lines", () => {
  it("parses a 15 MiB line that arrives in 64 KiB chunks, once, with its data intact", () => {
    const chunk = "x".repeat(64 * 1024);
    const chunks = ["event: big\ndata: ", ...Array.from({ length: 240 }, () => chunk), "\r", "\n\n"];
    const events = parse(chunks);
    expect(events).toHaveLength(1);
    expect(events[0]?.event).toBe("big");
    expect(events[0]?.data.length).toBe(240 * chunk.length);
  });

  it("ends with malformed-response when a line grows past the cap, split or whole", () => {
    for (const chunks of [["data: ", "y".repeat(600), "y".repeat(600)], [`data: ${"y".repeat(2000)}`]]) {
      const parser = new SseParser(() => undefined, { maxLineLength: 1000 });
      let thrown: unknown;
      try {
        for (const chunk of chunks) parser.feed(chunk);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: "malformed-response" });
      expect(String((thrown as Error).message)).toContain("longer than 1000 characters");
    }
  });

  it("the default cap is 16 MiB: a line just under it parses", () => {
    const events = parse([`data: ${"z".repeat(16 * 1024 * 1024 - 10)}`, "\n\n"]);
    expect(events[0]?.data.length).toBe(16 * 1024 * 1024 - 10);
  });
});

describe("readAnthropicSse with an endless line", () => {
  it("throws malformed-response instead of buffering without bound", async () => {
    const { readAnthropicSse } = await import("../../src/providers/anthropic/anthropic-sse.js");
    const piece = new TextEncoder().encode("a".repeat(1024 * 1024));
    async function* body() {
      yield new TextEncoder().encode("event: content_block_delta\ndata: ");
      for (let i = 0; i < 20; i++) yield piece;
    }
    const read = async () => {
      for await (const _ of readAnthropicSse(body())) {
        /* drain */
      }
    };
    await expect(read()).rejects.toMatchObject({ code: "malformed-response" });
  });
});
