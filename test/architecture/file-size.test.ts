import { readFileSync } from "node:fs";
import { relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { SRC, sourceFiles } from "./imports.js";

/** The project guide: small files, split by concern, none over this many lines. */
const MAX_LINES = 400;

function lineCount(text: string): number {
  if (text === "") return 0;
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

/** `path: N lines` for every file over the limit. */
function oversized(files: ReadonlyArray<{ path: string; text: string }>, max = MAX_LINES): string[] {
  return files
    .map(({ path, text }) => ({ path, lines: lineCount(text) }))
    .filter(({ lines }) => lines > max)
    .map(({ path, lines }) => `${path}: ${lines} lines`);
}

describe(`file size (no source file over ${MAX_LINES} lines)`, () => {
  it("holds for every source file under src/", () => {
    const files = sourceFiles().map((path) => ({
      path: relative(SRC, path).split(sep).join("/"),
      text: readFileSync(path, "utf8"),
    }));
    expect(files.length).toBeGreaterThan(50);
    expect(oversized(files), "split these files by concern").toEqual([]);
  });

  it("flags a file one line over the limit and not one at it", () => {
    const lines = (n: number) => `${Array.from({ length: n }, (_, i) => `const a${i} = ${i};`).join("\n")}\n`;
    expect(
      oversized([
        { path: "at.ts", text: lines(MAX_LINES) },
        { path: "over.ts", text: lines(MAX_LINES + 1) },
        { path: "empty.ts", text: "" },
      ]),
    ).toEqual([`over.ts: ${MAX_LINES + 1} lines`]);
  });
});
