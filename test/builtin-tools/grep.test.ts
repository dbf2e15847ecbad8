import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findRipgrep } from "../../src/tools/builtin/ripgrep-path.js";
import { harness, tempDir, textOf } from "./helpers.js";

async function project() {
  const cwd = await tempDir();
  await mkdir(path.join(cwd, "src/deep"), { recursive: true });
  await mkdir(path.join(cwd, "docs"));
  await writeFile(
    path.join(cwd, "src/a.ts"),
    "import x from 'y';\nconst Alpha = 1;\nconst beta = 2;\n// alpha again\n",
  );
  await writeFile(
    path.join(cwd, "src/deep/b.ts"),
    "one\ntwo\nalpha three\nfour\nfive\nsix\nseven\nalpha eight\n",
  );
  await writeFile(path.join(cwd, "docs/alpha.md"), "# alpha docs\n");
  await writeFile(path.join(cwd, "bin.dat"), Buffer.from([0x61, 0x6c, 0x70, 0x68, 0x61, 0x00, 0x01]));
  return cwd;
}

const rgPath = await findRipgrep();
it("finds the ripgrep binary of the @vscode/ripgrep devDependency", () => {
  expect(rgPath).toMatch(/\/rg$/);
});

describe("grep with the JavaScript search", () => grepBehaviour(null));
describe.skipIf(rgPath === null)("grep with ripgrep (skipped when @vscode/ripgrep has no binary)", () =>
  grepBehaviour(rgPath),
);

function grepBehaviour(ripgrepPath: string | null) {
  it("finds matching lines as path:line:text", async () => {
    const { call } = await harness({ cwd: await project(), ripgrepPath });
    expect(textOf(await call("grep", { pattern: "alpha" }))).toBe(
      [
        "docs/alpha.md:1:# alpha docs",
        "src/a.ts:4:// alpha again",
        "src/deep/b.ts:3:alpha three",
        "src/deep/b.ts:8:alpha eight",
      ].join("\n"),
    );
    expect(textOf(await call("grep", { pattern: "^const \\w+ = \\d", ignoreCase: true, path: "src" }))).toBe(
      "src/a.ts:2:const Alpha = 1;\nsrc/a.ts:3:const beta = 2;",
    );
  });

  it("filters by glob and shows context lines", async () => {
    const { call } = await harness({ cwd: await project(), ripgrepPath });
    expect(textOf(await call("grep", { pattern: "alpha", glob: "*.ts", context: 1 }))).toBe(
      [
        "src/a.ts-3-const beta = 2;",
        "src/a.ts:4:// alpha again",
        "--",
        "src/deep/b.ts-2-two",
        "src/deep/b.ts:3:alpha three",
        "src/deep/b.ts-4-four",
        "--",
        "src/deep/b.ts-7-seven",
        "src/deep/b.ts:8:alpha eight",
      ].join("\n"),
    );
    expect(textOf(await call("grep", { pattern: "alpha", glob: "src/deep/*.ts", outputMode: "files" }))).toBe(
      "src/deep/b.ts",
    );
  });

  it("lists files and counts, and searches a single file", async () => {
    const { call } = await harness({ cwd: await project(), ripgrepPath });
    expect(textOf(await call("grep", { pattern: "alpha", outputMode: "files" }))).toBe(
      "docs/alpha.md\nsrc/a.ts\nsrc/deep/b.ts",
    );
    expect(textOf(await call("grep", { pattern: "alpha", outputMode: "count" }))).toBe(
      "docs/alpha.md:1\nsrc/a.ts:1\nsrc/deep/b.ts:2",
    );
    expect(textOf(await call("grep", { pattern: "t", path: "src/deep/b.ts", outputMode: "count" }))).toBe(
      "src/deep/b.ts:3",
    );
  });

  it("reports no matches and invalid patterns clearly", async () => {
    const { call } = await harness({ cwd: await project(), ripgrepPath });
    expect(textOf(await call("grep", { pattern: "zebra" }))).toBe('No matches for "zebra".');
    const bad = await call("grep", { pattern: "(unclosed" });
    expect(bad.result.isError).toBe(true);
    expect(bad.error?.code).toBe("tool-execution");
    expect(textOf(bad)).toMatch(/grep failed/);
  });

  it("caps the output and says so", async () => {
    const cwd = await tempDir();
    await writeFile(path.join(cwd, "many.txt"), "match line\n".repeat(500));
    const { call } = await harness({ cwd, ripgrepPath, limits: { maxOutputChars: 300 } });
    expect(textOf(await call("grep", { pattern: "match" }))).toMatch(
      /\[output capped: showing the first 300 of \d+/,
    );
  });
}
