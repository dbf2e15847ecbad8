import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { harness, tempDir, textOf } from "./helpers.js";

/** Pids of live processes whose command line contains `marker`. */
async function processesWith(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    const state = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // Zombies (state Z) have exited and only wait to be reaped.
    if (cmdline.includes(marker) && !/\) Z /.test(state)) pids.push(Number(entry));
  }
  return pids;
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describe("bash", () => {
  it("runs in the working directory and reports the exit code", async () => {
    const cwd = await tempDir();
    const { call } = await harness({ cwd });
    const ok = await call("bash", { command: "pwd; echo err >&2" });
    expect(textOf(ok)).toBe(`${cwd}\nerr\n\n[exit code 0]`);
    expect(ok.result.isError).toBeUndefined();
    const failed = await call("bash", { command: "echo nope; exit 3" });
    expect(failed.result.isError).toBe(true);
    expect(textOf(failed)).toBe("nope\n\n[exit code 3]");
    expect(textOf(await call("bash", { command: "true" }))).toBe("[no output; exit code 0]");
  });

  it("runs in a sub-folder given as cwd", async () => {
    const cwd = await tempDir();
    const { call } = await harness({ cwd });
    await call("bash", { command: "mkdir -p sub/dir" });
    expect(textOf(await call("bash", { command: "pwd", cwd: "sub/dir" }))).toContain(
      path.join(cwd, "sub/dir"),
    );
  });

  it("passes only allowlisted variables plus explicit additions", async () => {
    const cwd = await tempDir();
    process.env.ARKY_TEST_ANTHROPIC_API_KEY = "sk-should-not-leak";
    try {
      const { call } = await harness({ cwd, env: { MY_SETTING: "on" } });
      const text = textOf(await call("bash", { command: "env" }));
      expect(text).toContain("MY_SETTING=on");
      expect(text).toContain("PATH=");
      expect(text).not.toContain("sk-should-not-leak");
    } finally {
      delete process.env.ARKY_TEST_ANTHROPIC_API_KEY;
    }
  });

  it("caps output keeping the tail, and says so", async () => {
    const cwd = await tempDir();
    const { call } = await harness({ cwd, limits: { maxOutputChars: 100 } });
    const text = textOf(await call("bash", { command: "seq 1 10000" }));
    expect(text).toMatch(/^\[output capped: showing the last 100 of 48894 characters\]\n/);
    expect(text).toContain("9999\n10000\n");
    expect(text).not.toContain("\n1\n");
  });

  it("kills the command and its children on timeout", async () => {
    const cwd = await tempDir();
    const { call } = await harness({ cwd });
    const marker = "987651";
    const outcome = await call("bash", {
      command: `echo started; sleep ${marker} & sleep ${marker}; wait`,
      timeoutMs: 1500,
    });
    expect(outcome.result.isError).toBe(true);
    expect(textOf(outcome)).toBe("started\n\n[timed out after 1500 ms; the command was killed]");
    await waitFor(async () => (await processesWith(`sleep\0${marker}`)).length === 0, "the sleeps to die");
  });

  it("kills every child when cancelled, even one that ignores SIGTERM", async () => {
    const cwd = await tempDir();
    const { call } = await harness({ cwd });
    const marker = "987652";
    const controller = new AbortController();
    const running = call(
      "bash",
      {
        command: `sleep ${marker} & bash -c 'trap "" TERM; sleep ${marker}' & sleep ${marker}; wait`,
      },
      controller.signal,
    );
    await waitFor(async () => (await processesWith(`sleep\0${marker}`)).length === 3, "three sleeps");
    controller.abort();
    const outcome = await running;
    expect(outcome.error?.code).toBe("cancelled");
    await waitFor(async () => (await processesWith(marker)).length === 0, "no survivor");
    expect(await processesWith(marker)).toEqual([]);
  });

  it("does not leave background processes behind after a normal exit", async () => {
    const cwd = await tempDir();
    const { call } = await harness({ cwd });
    const marker = "987653";
    const outcome = await call("bash", { command: `sleep ${marker} & echo done` });
    expect(textOf(outcome)).toBe("done\n\n[exit code 0]");
    await waitFor(
      async () => (await processesWith(`sleep\0${marker}`)).length === 0,
      "the background sleep to die",
    );
  });
});
