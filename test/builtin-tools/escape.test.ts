import { mkdir, readdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { harness, tempDir, textOf } from "./helpers.js";

const SECRET = "TOP-SECRET-OUTSIDE";

/** A project folder next to an outside folder holding a secret, with escaping symlinks. */
async function setup() {
  const base = await tempDir("arky-escape-");
  const cwd = path.join(base, "project");
  const extra = path.join(base, "extra");
  const outside = path.join(base, "outside");
  for (const dir of [cwd, extra, outside]) await mkdir(dir);
  await writeFile(path.join(outside, "secret.txt"), SECRET);
  await writeFile(path.join(extra, "shared.txt"), "shared");
  await symlink("/", path.join(cwd, "root-link"));
  await symlink(outside, path.join(cwd, "dir-link"));
  await symlink(path.join(outside, "secret.txt"), path.join(cwd, "file-link"));
  await symlink(path.join(outside, "not-yet.txt"), path.join(cwd, "dangling-link"));
  await symlink("../outside", path.join(cwd, "relative-link"));
  await mkdir(path.join(cwd, "nested"));
  await symlink("../../outside/secret.txt", path.join(cwd, "nested/deep-link"));
  await symlink(path.join(cwd, "loop-b"), path.join(cwd, "loop-a"));
  await symlink(path.join(cwd, "loop-a"), path.join(cwd, "loop-b"));
  return { base, cwd, extra, outside };
}

function corpus(outside: string, base: string): string[] {
  return [
    "../outside/secret.txt",
    "../../etc/passwd",
    "/etc/passwd",
    path.join(outside, "secret.txt"),
    "a/../../outside/secret.txt",
    "./../outside/secret.txt",
    "nested/../../outside/secret.txt",
    "root-link/etc/passwd",
    `root-link${outside}/secret.txt`,
    "dir-link/secret.txt",
    "file-link",
    "dangling-link",
    "relative-link/secret.txt",
    "nested/deep-link",
    "loop-a",
    "~",
    "~/.bashrc",
    "~root/.profile",
    "\0",
    "secret.txt\0.png",
    `${"a/".repeat(3000)}x`,
    "..",
    `${base}/project/../outside/secret.txt`,
    "/",
    "/proc/self/environ",
    "dir-link/new-file.txt",
    "root-link/tmp/arky-escape-write.txt",
  ];
}

describe("file tools refuse paths outside the allowed roots", () => {
  it("has a corpus of at least 20 escape attempts", async () => {
    const { outside, base } = await setup();
    expect(corpus(outside, base).length).toBeGreaterThanOrEqual(20);
  });

  it("read refuses every escape and never shows the secret", async () => {
    const { cwd, outside, base } = await setup();
    const { call } = await harness({ cwd });
    for (const attempt of corpus(outside, base)) {
      const outcome = await call("read", { path: attempt });
      expect(outcome.result.isError, attempt).toBe(true);
      expect(outcome.error?.code, attempt).toBe("tool-execution");
      expect(textOf(outcome), attempt).toMatch(/refused/);
      expect(textOf(outcome)).not.toContain(SECRET);
    }
  });

  it("write and edit refuse every escape and create nothing outside", async () => {
    const { cwd, outside, base } = await setup();
    const { call } = await harness({ cwd });
    for (const attempt of corpus(outside, base)) {
      const written = await call("write", { path: attempt, content: "pwned" });
      expect(written.result.isError, attempt).toBe(true);
      expect(textOf(written), attempt).toMatch(/refused/);
      const edited = await call("edit", { path: attempt, oldString: SECRET, newString: "pwned" });
      expect(edited.result.isError, attempt).toBe(true);
    }
    expect(await readdir(outside)).toEqual(["secret.txt"]);
  });

  it("URL-encoded and backslash paths are plain names inside the project", async () => {
    const { cwd } = await setup();
    const { call } = await harness({ cwd });
    for (const name of ["%2e%2e%2foutside%2fsecret.txt", "..%2Foutside", "..\\outside\\secret.txt"]) {
      const outcome = await call("write", { path: name, content: "inside" });
      expect(outcome.result.isError, name).toBeUndefined();
    }
    expect((await readdir(cwd)).filter((f) => f.includes("%") || f.includes("\\")).length).toBe(3);
  });

  it("grep, glob and bash's cwd are confined too", async () => {
    const { cwd, outside, base } = await setup();
    const { call } = await harness({ cwd, ripgrepPath: null });
    for (const attempt of ["../outside", "dir-link", "/etc", "root-link"]) {
      expect((await call("grep", { pattern: "SECRET", path: attempt })).result.isError, attempt).toBe(true);
      expect((await call("glob", { pattern: "*", path: attempt })).result.isError, attempt).toBe(true);
      expect((await call("bash", { command: "pwd", cwd: attempt })).result.isError, attempt).toBe(true);
    }
    const all = await call("grep", { pattern: "SECRET" });
    expect(textOf(all)).not.toContain(SECRET);
    expect(corpus(outside, base)).toBeDefined();
  });

  it("allows additional directories, by absolute or relative path", async () => {
    const { cwd, extra } = await setup();
    const { call } = await harness({ cwd, additionalDirectories: [extra] });
    expect(textOf(await call("read", { path: path.join(extra, "shared.txt") }))).toBe("1\tshared");
    expect(textOf(await call("read", { path: "../extra/shared.txt" }))).toBe("1\tshared");
    expect((await call("read", { path: "../outside/secret.txt" })).result.isError).toBe(true);
  });

  it("follows symlinks that stay inside the roots", async () => {
    const { cwd } = await setup();
    await writeFile(path.join(cwd, "nested/real.txt"), "inside");
    await symlink("nested/real.txt", path.join(cwd, "inside-link"));
    await symlink(path.join(cwd, "nested"), path.join(cwd, "inside-dir"));
    const { call } = await harness({ cwd });
    expect(textOf(await call("read", { path: "inside-link" }))).toBe("1\tinside");
    expect(textOf(await call("read", { path: "inside-dir/real.txt" }))).toBe("1\tinside");
    expect(
      (await call("write", { path: "inside-dir/new.txt", content: "x" })).result.isError,
    ).toBeUndefined();
  });
});
