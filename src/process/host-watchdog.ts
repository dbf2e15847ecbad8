import { type ChildProcess, spawn } from "node:child_process";
import { processStartTime } from "./descendants.js";

/**
 * The watchdog's own source, run with `node -e`. It is a separate process so that it
 * outlives a host killed by any means (SIGKILL runs no handler); it is plain JavaScript
 * inlined here, not a module file, because it must start the same way from `src/` under
 * a TypeScript loader and from `dist/`. It reads `+pid startTime` / `-pid` lines; when
 * its stdin ends (the host is gone) or it gets SIGTERM, it takes every still-tracked
 * group with all its descendants (found by ancestry in /proc first, since tool shells
 * leave the group), sends SIGTERM, waits `GRACE_MS`, SIGKILLs what is left and exits.
 */
const WATCHDOG_SOURCE = String.raw`
const fs = require("node:fs");
const GRACE_MS = Number(process.argv[1]);
const tracked = new Map();
const stat = (pid) => {
  try {
    const text = fs.readFileSync("/proc/" + pid + "/stat", "utf8");
    const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(f[1]), pgid: Number(f[2]), start: f[19] };
  } catch { return undefined; }
};
const tree = (roots) => {
  const out = new Map();
  for (const [pid, start] of roots) out.set(pid, { pid, pgid: pid, start });
  let names = [];
  try { names = fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n)); } catch {}
  const children = new Map();
  for (const name of names) {
    const s = stat(name);
    if (!s) continue;
    const list = children.get(s.ppid) || [];
    list.push({ pid: Number(name), pgid: s.pgid, start: s.start });
    children.set(s.ppid, list);
  }
  const queue = [...out.keys()];
  while (queue.length) for (const c of children.get(queue.shift()) || []) { out.set(c.pid, c); queue.push(c.pid); }
  return [...out.values()];
};
const hit = (procs, signal) => {
  for (const p of procs) {
    const now = stat(p.pid);
    if (now && now.start !== p.start) continue;
    try { if (p.pgid === p.pid) process.kill(-p.pid, signal); } catch {}
    try { process.kill(p.pid, signal); } catch {}
  }
};
let ending = false;
const end = () => {
  if (ending) return;
  ending = true;
  const first = tree(tracked);
  hit(first, "SIGTERM");
  setTimeout(() => { hit([...first, ...tree(tracked)], "SIGKILL"); process.exit(0); }, first.length ? GRACE_MS : 0);
};
let buffer = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (text) => {
  const lines = (buffer + text).split("\n");
  buffer = lines.pop();
  for (const line of lines) {
    const [pid, start] = line.slice(1).split(" ");
    if (line[0] === "+") tracked.set(Number(pid), start);
    else tracked.delete(Number(pid));
  }
});
process.stdin.on("end", end);
process.stdin.on("error", end);
process.on("SIGTERM", end);
process.on("SIGINT", () => {});
process.on("SIGHUP", () => {});
`;

/** How long the watchdog lets a group react to SIGTERM before SIGKILL. */
const WATCHDOG_GRACE_MS = 1000;

let watchdog: ChildProcess | undefined;

function startWatchdog(): ChildProcess | undefined {
  try {
    const child = spawn(process.execPath, ["-e", WATCHDOG_SOURCE, String(WATCHDOG_GRACE_MS)], {
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
      env: {},
      windowsHide: true,
    });
    // It must never keep the host alive, nor crash it when it is gone.
    child.on("error", () => {});
    child.stdin?.on("error", () => {});
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return child;
  } catch {
    // Without a watchdog, the exit handler still covers exits that run JavaScript.
    return undefined;
  }
}

/**
 * Hands a process group to the host's watchdog: a small process of its own, started on
 * the first call, that kills the group and everything under it when the host dies in any
 * way (SIGKILL and SIGTERM included), which the host's own exit handler cannot do.
 * No-op on Windows.
 */
export function watchGroup(pid: number): void {
  if (process.platform === "win32") return;
  if (!watchdog || watchdog.exitCode !== null || watchdog.signalCode !== null) watchdog = startWatchdog();
  watchdog?.stdin?.write(`+${pid} ${processStartTime(pid) ?? ""}\n`);
}

/** Tells the watchdog a group is gone. */
export function unwatchGroup(pid: number): void {
  if (watchdog?.stdin?.writable) watchdog.stdin.write(`-${pid}\n`);
}
