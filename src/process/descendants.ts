import { readdirSync, readFileSync } from "node:fs";

/** A process found under another one. */
export interface Descendant {
  pid: number;
  pgid: number;
  /** Start time in clock ticks since boot: tells the process apart from a later one with its pid. */
  startTime: string;
}

function readStat(pid: string): { ppid: number; pgid: number; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces and parentheses).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), pgid: Number(fields[2]), startTime: fields[19] ?? "" };
  } catch {
    // The process ended while we looked (or there is no procfs).
    return undefined;
  }
}

/**
 * Every live process below `pid`, with its process group, read from `/proc` (Linux; empty
 * elsewhere). Used before a teardown: children that moved into their own session or group
 * (a CLI's tool shells) escape a process-group signal and must be found by ancestry.
 */
export function findDescendants(pid: number): Descendant[] {
  if (process.platform !== "linux") return [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    // No procfs (a restricted container): nothing to sweep.
    return [];
  }
  const children = new Map<number, Descendant[]>();
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const stat = readStat(entry);
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push({ pid: Number(entry), pgid: stat.pgid, startTime: stat.startTime });
    children.set(stat.ppid, list);
  }
  const out: Descendant[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/** A process's start time (see {@link Descendant.startTime}), or undefined when it is gone or there is no procfs. */
export function processStartTime(pid: number): string | undefined {
  return readStat(String(pid))?.startTime;
}

let ownGroup: number | undefined;

/**
 * SIGKILLs processes found earlier that are still the same processes (same start time, so
 * a reused pid is never hit), and the groups they lead — never the host's own group.
 */
export function killDescendants(found: readonly Descendant[]): void {
  ownGroup ??= readStat("self")?.pgid ?? -1;
  for (const { pid, pgid, startTime } of found) {
    if (readStat(String(pid))?.startTime !== startTime) continue;
    try {
      if (pgid === pid && pgid !== ownGroup) process.kill(-pgid, "SIGKILL");
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone in the meantime, which is the goal.
    }
  }
}
