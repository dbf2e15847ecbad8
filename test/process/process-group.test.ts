import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { findDescendants, stopGroupOn, stopProcessGroup } from "../../src/process/index.js";
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

  it("stopGroupOn stops the group at the deadline or abort, and not after done()", async () => {
    const start = () => spawn("sleep", ["30"], { detached: true, stdio: "ignore" });
    const late = start();
    const timed = stopGroupOn(late.pid, {
      timeoutMs: 50,
      signal: new AbortController().signal,
      graceMs: 100,
    });
    await expect.poll(() => isAlive(late.pid!), { timeout: 2000 }).toBe(false);
    expect([timed.timedOut, timed.aborted]).toEqual([true, false]);

    const cancelled = start();
    const controller = new AbortController();
    const watch = stopGroupOn(cancelled.pid, { timeoutMs: 60_000, signal: controller.signal, graceMs: 100 });
    controller.abort();
    await expect.poll(() => isAlive(cancelled.pid!), { timeout: 2000 }).toBe(false);
    expect([watch.timedOut, watch.aborted]).toEqual([false, true]);
    watch.done();

    const finished = start();
    const disarmed = stopGroupOn(finished.pid, { timeoutMs: 50, signal: new AbortController().signal });
    disarmed.done();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(isAlive(finished.pid!)).toBe(true);
    expect(disarmed.timedOut).toBe(false);
    process.kill(-finished.pid!, "SIGKILL");
  });
});
