import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { harness, tempDir, textOf } from "./helpers.js";

describe("bash with a working folder that is not there", () => {
  it("names the missing cwd instead of saying spawn bash ENOENT", async () => {
    const cwd = await tempDir();
    const { call } = await harness({ cwd });
    const missing = await call("bash", { command: "pwd", cwd: "no/such/folder" });
    expect(missing.result.isError).toBe(true);
    expect(textOf(missing)).toContain(
      `The working folder "no/such/folder" (${path.join(cwd, "no/such/folder")}) does not exist.`,
    );
    expect(textOf(missing)).not.toContain("ENOENT");
    await writeFile(path.join(cwd, "file.txt"), "x");
    expect(textOf(await call("bash", { command: "pwd", cwd: "file.txt" }))).toContain("is not a folder");
  });

  it("names the session's working folder when it was removed", async () => {
    const cwd = path.join(await tempDir(), "gone");
    await mkdir(cwd);
    const { call } = await harness({ cwd });
    await rm(cwd, { recursive: true });
    const result = await call("bash", { command: "pwd" });
    expect(result.result.isError).toBe(true);
    expect(textOf(result)).toContain(`The working folder "${cwd}" does not exist.`);
  });
});
