import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { findDescendants, stopProcessGroup } from "../../src/process/index.js";
import { isAlive } from "./helpers.js";

describe.skipIf(process.platform !== "linux")("stopProcessGroup", () => {
  it("escalates to SIGKILL on the group and kills descendants that left it", async () => {
    // A shell ignoring SIGTERM, a child in its group doing the same, and one in its own session.
    const child = spawn(
      "/bin/sh",
      ["-c", "trap '' TERM; (trap '' TERM; sleep 30) & setsid sleep 30 & wait"],
      {
        detached: true,
        stdio: "ignore",
      },
    );
    const pid = child.pid!;
    await expect.poll(() => findDescendants(pid).length, { timeout: 2000 }).toBeGreaterThanOrEqual(2);
    const pids = [pid, ...findDescendants(pid).map((d) => d.pid)];
    const started = Date.now();
    await stopProcessGroup(pid, { graceMs: 200 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(180);
    await expect.poll(() => pids.filter(isAlive), { timeout: 2000 }).toEqual([]);
  });

  it("stops at the first step that ends the process", async () => {
    const child = spawn("sleep", ["30"], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
    const exited = new Promise((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    const steps: string[] = [];
    await stopProcessGroup(child.pid!, {
      graceMs: 300,
      exited,
      interrupt: async () => steps.push("interrupt"),
      closeInput: () => steps.push("close stdin"),
    });
    // sleep ignores stdin, so SIGTERM ends it without waiting for SIGKILL.
    expect(await exited).toBe("SIGTERM");
    expect(steps).toEqual(["interrupt", "close stdin"]);
  });
});
