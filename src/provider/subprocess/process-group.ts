const live = new Set<number>();
let hooked = false;

/**
 * Sends a signal to a child's whole process group (the child is spawned `detached`, so it
 * leads its own group and its grandchildren share it). Returns false when nothing was
 * left to signal.
 */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    if (process.platform === "win32") process.kill(pid, signal);
    else process.kill(-pid, signal);
    return true;
  } catch {
    // ESRCH: the group is already gone, which is what the caller wants.
    return false;
  }
}

/**
 * Remembers a live process group so that it is killed if the host exits without closing
 * it (a crash or `process.exit()` must not leave orphans behind).
 */
export function trackGroup(pid: number): void {
  live.add(pid);
  if (!hooked) {
    hooked = true;
    process.once("exit", () => {
      for (const group of live) signalGroup(group, "SIGKILL");
    });
  }
}

/** Forgets a group that is fully gone. */
export function untrackGroup(pid: number): void {
  live.delete(pid);
}
