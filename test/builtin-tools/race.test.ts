import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { link, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { harness, tempDir, textOf } from "./helpers.js";

// Another process swaps a path component between a folder inside the project and a symlink
// to a folder outside it, while the file tools run. Before the tools checked the file they
// had opened, about 4 % of reads and 10 % of writes escaped.
const TRIALS = 2000;
const SECRET = "TOP-SECRET-OUTSIDE";

const swappers: ChildProcess[] = [];
afterEach(async () => {
  for (const child of swappers.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }
});

async function racedProject() {
  const base = await tempDir("arky-race-");
  const cwd = path.join(base, "project");
  const outside = path.join(base, "outside");
  await mkdir(path.join(cwd, "sub.real"), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(cwd, "sub.real/f.txt"), "inside");
  await writeFile(path.join(outside, "f.txt"), SECRET);
  await symlink(outside, path.join(cwd, "sub.link"));
  const swapper = spawn(process.execPath, [path.join(import.meta.dirname, "fixtures/swapper.mjs"), cwd], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  swappers.push(swapper);
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: swapper.stdout! }).once("line", () => resolve());
    swapper.once("exit", (code) => reject(new Error(`the swapper exited with ${code}`)));
  });
  return { cwd, outside };
}

describe("file tools under a path-swapping race", () => {
  it(`${TRIALS} reads never show the outside file`, async () => {
    const { cwd } = await racedProject();
    const { call } = await harness({ cwd });
    let escapes = 0;
    let succeeded = 0;
    for (let i = 0; i < TRIALS; i++) {
      const text = textOf(await call("read", { path: "sub/f.txt" }));
      if (text.includes(SECRET)) escapes++;
      else if (text.includes("inside")) succeeded++;
    }
    expect(escapes).toBe(0);
    // The race is real: some reads find the folder in place and succeed.
    expect(succeeded).toBeGreaterThan(0);
  }, 60_000);

  it(`${TRIALS} writes (existing and new files) change and create nothing outside`, async () => {
    const { cwd, outside } = await racedProject();
    const { call } = await harness({ cwd });
    const secretFile = path.join(outside, "f.txt");
    let escapes = 0;
    let succeeded = 0;
    for (let i = 0; i < TRIALS; i++) {
      const name = i % 2 === 0 ? "f.txt" : `new-${i}.txt`;
      const outcome = await call("write", { path: `sub/${name}`, content: `trial ${i}` });
      if (!outcome.result.isError) succeeded++;
      if (readFileSync(secretFile, "utf8") !== SECRET) {
        escapes++;
        writeFileSync(secretFile, SECRET);
      }
      if (existsSync(path.join(outside, name)) && name !== "f.txt") {
        escapes++;
        rmSync(path.join(outside, name));
      }
    }
    expect(escapes).toBe(0);
    expect(succeeded).toBeGreaterThan(0);
  }, 60_000);
});

describe("file tools and hard links", () => {
  it("write and edit refuse a file with another hard link; allowHardLinks permits it", async () => {
    const base = await tempDir("arky-hardlink-");
    const cwd = path.join(base, "project");
    const outside = path.join(base, "outside.txt");
    await mkdir(cwd);
    await writeFile(outside, SECRET);
    await link(outside, path.join(cwd, "hard.txt"));
    const { call } = await harness({ cwd });
    const written = await call("write", { path: "hard.txt", content: "pwned" });
    expect(written.result.isError).toBe(true);
    expect(textOf(written)).toMatch(/refused: it has 2 hard links/);
    const edited = await call("edit", { path: "hard.txt", oldString: "TOP", newString: "pwned" });
    expect(edited.result.isError).toBe(true);
    expect(await readFile(outside, "utf8")).toBe(SECRET);
    // Reading is allowed (package managers hard-link files into projects).
    expect(textOf(await call("read", { path: "hard.txt" }))).toBe(`1\t${SECRET}`);
    const allowed = await harness({ cwd, allowHardLinks: true });
    expect(
      (await allowed.call("write", { path: "hard.txt", content: "shared" })).result.isError,
    ).toBeUndefined();
    expect(await readFile(outside, "utf8")).toBe("shared");
  });
});
