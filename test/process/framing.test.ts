import { describe, expect, it } from "vitest";
import { buildChildEnv, findDescendants, LineDecoder, TailBuffer } from "../../src/process/index.js";
import { EventQueue } from "../../src/provider/event-queue.js";

function decode(chunks: string[], maxLineBytes = 1024) {
  const lines: string[] = [];
  const overflows: number[] = [];
  const decoder = new LineDecoder({
    maxLineBytes,
    onLine: (l) => lines.push(l),
    onOverflow: (b) => overflows.push(b),
  });
  for (const c of chunks) decoder.push(Buffer.from(c));
  decoder.end();
  return { lines, overflows };
}

describe("LineDecoder", () => {
  it("joins lines split across chunks and strips CR", () => {
    expect(decode(['{"a":', '1}\r\n{"b"', ":2}\n", "tail"]).lines).toEqual(['{"a":1}', '{"b":2}', "tail"]);
  });

  it("keeps multi-byte characters split across chunks intact", () => {
    const bytes = Buffer.from("héllo\n");
    const lines: string[] = [];
    const decoder = new LineDecoder({
      maxLineBytes: 100,
      onLine: (l) => lines.push(l),
      onOverflow: () => {},
    });
    decoder.push(bytes.subarray(0, 2));
    decoder.push(bytes.subarray(2));
    expect(lines).toEqual(["héllo"]);
  });

  it("drops an over-long line across chunks, reports it once, and resumes", () => {
    const { lines, overflows } = decode(
      ["ok\n", "x".repeat(8), "x".repeat(8), "x".repeat(8), "\nnext\n"],
      10,
    );
    expect(lines).toEqual(["ok", "next"]);
    expect(overflows).toHaveLength(1);
  });
});

describe("buildChildEnv", () => {
  it("inherits the allowlist and the real locale categories only (no LC_SECRET), then applies additions and removals", () => {
    const env = buildChildEnv({
      source: {
        PATH: "/bin",
        HOME: "/root",
        LC_ALL: "C",
        LC_TIME: "en_GB.UTF-8",
        LC_SECRET: "sk-forwarded",
        LC_FOO: "x",
        ANTHROPIC_API_KEY: "sk-secret",
        LD_PRELOAD: "/evil.so",
        NODE_OPTIONS: "--require x",
        DYLD_INSERT_LIBRARIES: "/evil.dylib",
        BASH_FUNC_x: "() { :; }",
        TERM: "() { :; }; echo pwned",
      },
      env: { ANTHROPIC_BASE_URL: "http://127.0.0.1:1", HOME: undefined },
      inherit: ["BASH_FUNC_x"],
    });
    expect(env).toEqual({
      PATH: "/bin",
      LC_ALL: "C",
      LC_TIME: "en_GB.UTF-8",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:1",
    });
  });

  it("passes a dangerous variable only when the caller names it", () => {
    expect(buildChildEnv({ source: { NODE_OPTIONS: "--x" }, inherit: ["NODE_OPTIONS"] })).toEqual({
      NODE_OPTIONS: "--x",
    });
  });
});

describe("TailBuffer", () => {
  it("keeps the last bytes only", () => {
    const tail = new TailBuffer(10);
    tail.push(Buffer.from("0123456789"));
    tail.push(Buffer.from("abcdef"));
    expect(tail.text()).toBe("…6789abcdef");
  });
});

describe("EventQueue", () => {
  it("delivers pushed items in order, then ends", async () => {
    const queue = new EventQueue<number>();
    queue.push(1);
    setTimeout(() => {
      queue.push(2);
      queue.end();
      queue.push(3);
    }, 5);
    const out: number[] = [];
    for await (const n of queue) out.push(n);
    expect(out).toEqual([1, 2]);
  });
});

describe("findDescendants", () => {
  it("finds nothing under a process without children, and the test runner under its parent", () => {
    expect(findDescendants(process.pid).every((d) => d.pid !== process.pid)).toBe(true);
    expect(findDescendants(process.ppid).map((d) => d.pid)).toContain(process.pid);
  });
});
