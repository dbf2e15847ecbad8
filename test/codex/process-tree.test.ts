import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { findDescendants, killDescendants } from "../../src/process/index.js";

// The Codex runtime relies on the shared sweep: the npm `codex` launcher starts the real
// binary in its own session, out of reach of a process-group signal.
describe.skipIf(process.platform !== "linux")("process tree sweep (Linux /proc)", () => {
  const started: number[] = [];
  afterEach(() => {
    for (const pid of started.splice(0)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  });

  it("finds grandchildren, even in their own session, and kills them", async () => {
    // setsid puts the grandchild in its own session, like the Codex binary under its npm launcher.
    const child = spawn("/bin/sh", ["-c", "setsid sleep 30 & wait"], { stdio: "ignore" });
    started.push(child.pid!);
    const tree = await descendantsSoon(child.pid!);
    expect(tree.length).toBeGreaterThan(0);
    started.push(...tree.map((d) => d.pid));
    killDescendants([...tree, ...findDescendants(process.pid).filter((d) => d.pid === child.pid)]);
    await new Promise((resolve) => child.once("exit", resolve));
    await expect.poll(() => tree.map((d) => d.pid).filter(alive), { timeout: 2000 }).toEqual([]);
  });

  it("never kills a process that took over a recorded pid (a different start time)", async () => {
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    started.push(child.pid!);
    const [record] = findDescendants(process.pid).filter((d) => d.pid === child.pid);
    expect(record).toBeDefined();
    // The same pid seen with another start time stands for an earlier process whose pid was reused.
    killDescendants([{ ...record!, startTime: String(Number(record!.startTime) - 1) }]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(alive(child.pid!)).toBe(true);
    killDescendants([record!]);
    await expect.poll(() => alive(child.pid!), { timeout: 2000 }).toBe(false);
  });

  it("returns nothing for a process without children", () => {
    expect(findDescendants(2 ** 22 + 12345)).toEqual([]);
  });
});

async function descendantsSoon(pid: number) {
  for (let i = 0; i < 50; i++) {
    const tree = findDescendants(pid);
    if (tree.length > 0) return tree;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return [];
}

function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}
