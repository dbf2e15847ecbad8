import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { descendantsOf, killAll } from "../../src/providers/codex/process-tree.js";

describe.skipIf(process.platform !== "linux")("process tree sweep (Linux /proc)", () => {
  it("finds grandchildren, even in their own session, and kills them", async () => {
    // setsid puts the grandchild in its own session, like the Codex binary under its npm launcher.
    const child = spawn("/bin/sh", ["-c", "setsid sleep 30 & wait"], { stdio: "ignore" });
    const alive = (pid: number) => existsSync(`/proc/${pid}`) && !isZombie(pid);
    let tree: number[] = [];
    for (let i = 0; i < 50 && tree.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      tree = descendantsOf(child.pid!);
    }
    expect(tree.length).toBeGreaterThan(0);
    killAll([child.pid!, ...tree]);
    await new Promise((resolve) => child.once("exit", resolve));
    for (let i = 0; i < 50 && tree.some(alive); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tree.filter(alive)).toEqual([]);
  });

  it("returns nothing for a process without children", () => {
    expect(descendantsOf(2 ** 22 + 12345)).toEqual([]);
  });
});

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return true;
  }
}
