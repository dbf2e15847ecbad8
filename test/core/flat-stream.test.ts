import { describe, expect, it } from "vitest";
import { FlatStream } from "../../src/core/flat-stream.js";

async function* batches(log: string[], items: number[][], fail?: Error) {
  try {
    for (const batch of items) yield batch;
    if (fail) throw fail;
  } finally {
    log.push("finally");
  }
}

describe("FlatStream", () => {
  it("yields every item of every batch in order, skipping empty batches", async () => {
    const log: string[] = [];
    const out: number[] = [];
    for await (const n of new FlatStream(batches(log, [[1, 2], [], [3], [4, 5, 6]]))) out.push(n);
    expect(out).toEqual([1, 2, 3, 4, 5, 6]);
    expect(log).toEqual(["finally"]);
  });

  it("leaving the for-await early runs the inner generator's finally", async () => {
    const log: string[] = [];
    const out: number[] = [];
    for await (const n of new FlatStream(batches(log, [[1, 2, 3], [4]]))) {
      out.push(n);
      if (n === 2) break;
    }
    expect(out).toEqual([1, 2]);
    expect(log).toEqual(["finally"]);
  });

  it("keeps order when next() is called again before the previous call settled", async () => {
    const stream = new FlatStream(batches([], [[1], [2, 3], [4]]));
    const results = await Promise.all([
      stream.next(),
      stream.next(),
      stream.next(),
      stream.next(),
      stream.next(),
    ]);
    expect(results).toEqual([
      { value: 1, done: false },
      { value: 2, done: false },
      { value: 3, done: false },
      { value: 4, done: false },
      { value: undefined, done: true },
    ]);
  });

  it("passes the inner generator's error on after the items before it", async () => {
    const out: number[] = [];
    const failure = new Error("broke");
    await expect(
      (async () => {
        for await (const n of new FlatStream(batches([], [[1, 2]], failure))) out.push(n);
      })(),
    ).rejects.toBe(failure);
    expect(out).toEqual([1, 2]);
  });

  it("throw() reaches the inner generator", async () => {
    const log: string[] = [];
    const stream = new FlatStream(batches(log, [[1, 2], [3]]));
    expect(await stream.next()).toEqual({ value: 1, done: false });
    await expect(stream.throw(new Error("stop"))).rejects.toThrow("stop");
    expect(log).toEqual(["finally"]);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });
});
