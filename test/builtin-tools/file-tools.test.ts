import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { codingTools } from "../../src/tools/builtin/index.js";
import { harness, tempDir, textOf } from "./helpers.js";

// A 1×1 transparent PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=",
  "base64",
);

describe("codingTools", () => {
  it("declares which tools are read-only", async () => {
    const tools = await codingTools({ cwd: await tempDir() });
    const flags = Object.fromEntries(tools.map((t) => [t.name, t.readOnly]));
    expect(flags).toEqual({
      bash: false,
      read: true,
      write: false,
      edit: false,
      glob: true,
      grep: true,
      web_fetch: false,
      todo_write: true,
      todo_read: true,
    });
  });
});

describe("read", () => {
  it("numbers lines and honours offset and limit", async () => {
    const cwd = await tempDir();
    await writeFile(path.join(cwd, "a.txt"), "one\ntwo\nthree\nfour\n");
    const { call } = await harness({ cwd });
    expect(textOf(await call("read", { path: "a.txt" }))).toBe("1\tone\n2\ttwo\n3\tthree\n4\tfour");
    const part = textOf(await call("read", { path: "a.txt", offset: 2, limit: 2 }));
    expect(part).toBe("2\ttwo\n3\tthree\n[1 more lines; continue with offset 4]");
  });

  it("returns images as image blocks", async () => {
    const cwd = await tempDir();
    await writeFile(path.join(cwd, "dot.png"), PNG);
    const { call } = await harness({ cwd });
    const outcome = await call("read", { path: "dot.png" });
    expect(outcome.result.content).toEqual([
      { type: "image", source: { type: "base64", mediaType: "image/png", data: PNG.toString("base64") } },
    ]);
  });

  it("refuses binary files, folders and missing files with an error result", async () => {
    const cwd = await tempDir();
    await writeFile(path.join(cwd, "blob.bin"), Buffer.from([0x7f, 0x45, 0x00, 0x01, 0xff]));
    await mkdir(path.join(cwd, "sub"));
    const { call } = await harness({ cwd });
    for (const [file, message] of [
      ["blob.bin", /looks binary/],
      ["sub", /is a directory/],
      ["nope.txt", /does not exist/],
    ] as const) {
      const outcome = await call("read", { path: file });
      expect(outcome.result.isError).toBe(true);
      expect(outcome.error?.code).toBe("tool-execution");
      expect(textOf(outcome)).toMatch(message);
    }
  });

  it("caps long output and says so", async () => {
    const cwd = await tempDir();
    await writeFile(path.join(cwd, "big.txt"), "x".repeat(50).concat("\n").repeat(100));
    const { call } = await harness({ cwd, limits: { maxOutputChars: 200 } });
    const text = textOf(await call("read", { path: "big.txt" }));
    expect(text).toContain("[output capped: showing the first 200 of");
    expect(text.length).toBeLessThan(400);
  });
});

describe("write and edit", () => {
  it("writes files, creating parent folders", async () => {
    const cwd = await tempDir();
    const { call } = await harness({ cwd });
    const outcome = await call("write", { path: "deep/er/new.txt", content: "héllo" });
    expect(outcome.result.isError).toBeUndefined();
    expect(await readFile(path.join(cwd, "deep/er/new.txt"), "utf8")).toBe("héllo");
  });

  it("replaces one exact match, and refuses missing or ambiguous ones", async () => {
    const cwd = await tempDir();
    const file = path.join(cwd, "code.ts");
    await writeFile(file, "let a = 1;\nlet b = 1;\nconst c = $1;\n");
    const { call } = await harness({ cwd });

    const ambiguous = await call("edit", { path: "code.ts", oldString: "= 1;", newString: "= 2;" });
    expect(ambiguous.result.isError).toBe(true);
    expect(textOf(ambiguous)).toMatch(/occurs 2 times/);

    const missing = await call("edit", { path: "code.ts", oldString: "let z", newString: "let y" });
    expect(textOf(missing)).toMatch(/was not found/);

    const same = await call("edit", { path: "code.ts", oldString: "let a", newString: "let a" });
    expect(same.result.isError).toBe(true);
    expect(await readFile(file, "utf8")).toBe("let a = 1;\nlet b = 1;\nconst c = $1;\n");

    await call("edit", { path: "code.ts", oldString: "let a = 1;", newString: "let a = '$&';" });
    expect(await readFile(file, "utf8")).toBe("let a = '$&';\nlet b = 1;\nconst c = $1;\n");

    const all = await call("edit", { path: "code.ts", oldString: "1;", newString: "9;", replaceAll: true });
    expect(textOf(all)).toBe("Replaced 2 occurrences in code.ts.");
    expect(await readFile(file, "utf8")).toBe("let a = '$&';\nlet b = 9;\nconst c = $9;\n");
  });
});

describe("glob", () => {
  it("lists matches sorted, skipping node_modules and escaping symlinks", async () => {
    const cwd = await tempDir();
    const outside = await tempDir("arky-outside-");
    await writeFile(path.join(outside, "secret.ts"), "");
    await mkdir(path.join(cwd, "src/lib"), { recursive: true });
    await mkdir(path.join(cwd, "node_modules/x"), { recursive: true });
    for (const f of ["src/b.ts", "src/lib/a.ts", "top.ts", "src/readme.md", "node_modules/x/i.ts"])
      await writeFile(path.join(cwd, f), "");
    await symlink(path.join(outside, "secret.ts"), path.join(cwd, "src/link.ts"));
    const { call } = await harness({ cwd });
    expect(textOf(await call("glob", { pattern: "**/*.ts" }))).toBe("src/b.ts\nsrc/lib/a.ts\ntop.ts");
    expect(textOf(await call("glob", { pattern: "*.ts", path: "src" }))).toBe("b.ts");
    expect(textOf(await call("glob", { pattern: "*.py" }))).toBe("No files match *.py.");
    const escaping = await call("glob", { pattern: "../*" });
    expect(escaping.result.isError).toBe(true);
  });
});

describe("todo", () => {
  it("keeps one list per set of tools", async () => {
    const first = await harness({ cwd: await tempDir() });
    const second = await harness({ cwd: await tempDir() });
    const todos = [
      { content: "Write tests", status: "completed" },
      { content: "Ship", status: "in_progress" },
    ];
    await first.call("todo_write", { todos });
    expect(textOf(await first.call("todo_read", {}))).toBe("1. [x] Write tests\n2. [~] Ship");
    expect(textOf(await second.call("todo_read", {}))).toBe("The todo list is empty.");
    const bad = await first.call("todo_write", { todos: [{ content: "x", status: "done" }] });
    expect(bad.error?.code).toBe("tool-input-invalid");
    expect(textOf(await first.call("todo_read", {}))).toBe("1. [x] Write tests\n2. [~] Ship");
  });
});
