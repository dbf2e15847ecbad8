import { readdirSync, readFileSync } from "node:fs";

/**
 * The ids of every live descendant of a process, read from `/proc` (Linux; elsewhere an
 * empty list). The npm `codex` launcher starts the real binary, which leads its own
 * session, so killing the launcher's process group does not reach it; the runtime
 * records the tree before shutting down and kills what is left afterwards.
 */
export function descendantsOf(root: number): number[] {
  if (process.platform !== "linux") return [];
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    // No procfs (a restricted container): nothing to sweep.
    return [];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** Sends SIGKILL to each process that is still alive. */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone, which is the goal.
    }
  }
}
